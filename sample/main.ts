import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { consoleColors } from './console.colors.js';
import { runDemo } from './demo/demo.runner.js';
import { MQConnectionConfig } from './mq-connection.js';
import { SampleTelemetry } from './observability/sample-telemetry.js';
import { SampleSettings } from './sample.settings.js';

/**
 * The orders sample.
 *   node dist/sample/main.js            demo burst, then serves HTTP until Ctrl-C
 *   node dist/sample/main.js --no-demo  serves HTTP until Ctrl-C, no burst
 *   node dist/sample/main.js --demo     demo burst, exit 0 only if every message was handled as expected
 *   --trace (with any of them)          record traces: GET /orders/:id/trace draws one order's
 */
async function main(): Promise<void> {
  const demoOnly = process.argv.includes('--demo');
  const skipDemo = process.argv.includes('--no-demo');
  if (demoOnly && skipDemo) throw new Error('--demo and --no-demo exclude each other');
  const settings = new SampleSettings(process.env, demoOnly);
  // OpenTelemetry first, before the app exists (as its documentation asks).
  const telemetry = SampleTelemetry.start(process.argv.includes('--trace'));
  const app = await NestFactory.create(AppModule.register(settings, telemetry), {
    // Nest's own startup lines are hidden; the MQ module logs through its own logger (see mq-connection.ts).
    logger: new ConsoleLogger({ logLevels: ['warn', 'error'], colors: consoleColors() }),
  });
  app.enableShutdownHooks();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () =>
      print(`${signal}: shutting down gracefully (in-flight messages finish, acks flush)`),
    );
  }
  await app.listen(settings.port, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  print(
    `Orders sample listening on ${baseUrl}`,
    `Messages go to: ${app.get(MQConnectionConfig).description}`,
  );

  const passed = skipDemo || (await runDemo(app, baseUrl, settings));
  if (demoOnly) {
    await closeWithin(app, 15_000);
    await telemetry.shutdown();
    process.exitCode = passed ? 0 : 1;
    return;
  }
  print(
    'The app keeps running. Try (the lines paste into a shell as they are):',
    ...tryCommands(baseUrl, telemetry.traces !== undefined),
  );
}

/** Commands a reader can paste: no placeholders, the new order's id is captured in $ID. */
function tryCommands(baseUrl: string, tracing: boolean): string[] {
  const post = (path: string, body: string): string =>
    `curl -s -w '\\n' -X POST ${baseUrl}${path} -H 'content-type: application/json' -d '${body}'`;
  return [
    `  ${post('/orders', '{"customerId":"c-7","amount":42.5,"paymentMethod":"card"}')}`,
    `  ${post('/orders', '{"customerId":"c-7","amount":650,"paymentMethod":"card"}')}   # fails once, retried`,
    `  ID=$(curl -s -X POST ${baseUrl}/orders -H 'content-type: application/json' -d '{"customerId":"c-8","amount":10,"paymentMethod":"bank-transfer"}' | sed -E 's/.*"id":"([^"]+)".*/\\1/')`,
    `  curl -s -w '\\n' -X POST ${baseUrl}/orders/$ID/pay   # the bank transfer arrived: transactional publish`,
    `  curl -s -w '\\n' -X POST ${baseUrl}/orders/$ID/pay   # paid already: 409, nothing published`,
    `  curl -s -w '\\n' ${baseUrl}/orders/$ID`,
    `  curl -s -w '\\n' ${baseUrl}/mq/consumers`,
    `  ${post('/orders', '{"customerId":"C 7","amount":-1}')}   # 400`,
    `  curl -s -w '\\n' ${baseUrl}/health   # Terminus: 200 while the MQ connection works, else 503`,
    `  curl -s ${baseUrl}/metrics   # Prometheus text: the OpenTelemetry metrics`,
    tracing
      ? `  curl -s ${baseUrl}/orders/$ID/trace   # the order's trace: HTTP, publishes, every delivery`
      : '  # start the sample with --trace to record traces: GET /orders/$ID/trace draws one order',
    'Press Ctrl-C to stop (consumers drain, then the app exits).',
  ];
}

/** A shutdown that never hangs the demo: past the limit, say so and exit non-zero. */
async function closeWithin(app: { close(): Promise<void> }, ms: number): Promise<void> {
  const timer = setTimeout(() => {
    process.stderr.write(`shutdown did not finish within ${ms / 1000} s\n`);
    process.exit(2);
  }, ms);
  timer.unref();
  await app.close();
  clearTimeout(timer);
}

function print(...lines: string[]): void {
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The sample failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
