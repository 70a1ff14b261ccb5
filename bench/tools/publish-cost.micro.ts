/**
 * Client-side CPU cost of one publish against the canned-201 server (a child process that does
 * nearly nothing), in µs of this process's CPU (user + system) per publish. CPU time, not wall
 * time, so the figure holds on a shared machine. Variants take turns round by round (so that a
 * disturbance from other tenants touches all alike); median and best per variant are reported.
 * Used to price the whole-call deadline and the producer's retry wrapper on the publish hot path.
 *
 *   node dist/bench/tools/publish-cost.micro.js [publishesPerRound=30000] [rounds=7] [concurrency=64]
 *     [--baseline <dist dir of another build>] [--client-only]
 *
 * Variants: `raw ceiling` (scenario 1's pre-signed undici request: no per-request work), `client`
 * (MQClient.publish), `producer` (MQProducer.publish, default retry policy), `producer-no-retry`
 * (publishRetry: false; both left out with --client-only), and with --baseline, `baseline client`:
 * the MQClient of another build. When the bench process is the bottleneck (c=32 against the canned
 * server), scenario 1's "our client / raw ceiling" throughput ratio is about raw CPU / client CPU
 * per publish, printed per round as "raw/client". E.g. the commit before the deadlines:
 *   git archive <commit> | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   (cd /tmp/base && npx tsc -p tsconfig.build.json)
 *   node dist/bench/tools/publish-cost.micro.js 30000 9 64 --baseline /tmp/base/dist
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { MQClient } from '../../lib/client/index.js';
import { PublishHealth } from '../../lib/nest/health/publish.health.js';
import { MQProducer } from '../../lib/nest/mq.producer.js';
import { RETRY_DEFAULTS } from '../../lib/nest/retry/retry.policy.js';
import { bodyMd5 } from '../../lib/protocol/index.js';
import { HttpMQTransport } from '../../lib/transport/http/http-mq.transport.js';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { startCannedServer } from '../harness/servers.js';
import { RawUndiciPublisher } from '../clients/raw-undici.publisher.js';

type Publish = () => Promise<unknown>;

interface Variant {
  name: string;
  publish: Publish;
  close(): Promise<void>;
  costs: number[];
}

async function round(publish: Publish, total: number, concurrency: number): Promise<number> {
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < total) {
      sent++;
      await publish();
    }
  };
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The producer above the client (lib/nest), with and without its retry wrapper. */
function addProducers(endpoint: string, body: string, variants: Variant[]): void {
  const logger = new Logger('bench');
  // What a connection gives its producer when no OpenTelemetry SDK records.
  const observers = () => ({
    telemetry: { publisher: undefined },
    health: new PublishHealth(() => false),
  });
  const retrying = new MQClient(endpoint, EMULATOR_CREDENTIALS);
  const producer = new MQProducer(
    new HttpMQTransport(retrying),
    'bench',
    logger,
    observers(),
    RETRY_DEFAULTS,
  );
  variants.push({
    name: 'producer (retry on)',
    publish: () => producer.publish('bench', body),
    close: () => retrying.close(),
    costs: [],
  });
  const plain = new MQClient(endpoint, EMULATOR_CREDENTIALS);
  const noRetry = new MQProducer(
    new HttpMQTransport(plain),
    'bench',
    logger,
    observers(),
    undefined,
  );
  variants.push({
    name: 'producer (retry off)',
    publish: () => noRetry.publish('bench', body),
    close: () => plain.close(),
    costs: [],
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--baseline');
  const baseline = at === -1 ? undefined : args.splice(at, 2)[1];
  const only = args.indexOf('--client-only');
  const clientOnly = only !== -1;
  if (clientOnly) args.splice(only, 1);
  const total = Number(args[0] ?? 30_000);
  const rounds = Number(args[1] ?? 7);
  const concurrency = Number(args[2] ?? 64);
  const body = FULL_CONFIG.body;
  const server = await startCannedServer(bodyMd5(body));
  const variants: Variant[] = [];
  const raw = new RawUndiciPublisher(
    server.endpoint,
    'bench',
    body,
    EMULATOR_CREDENTIALS,
    concurrency,
  );
  variants.push({
    name: 'raw ceiling',
    publish: () => raw.publish(),
    close: () => raw.close(),
    costs: [],
  });
  const client = new MQClient(server.endpoint, EMULATOR_CREDENTIALS, { connections: concurrency });
  variants.push({
    name: 'client',
    publish: () => client.publish('bench', { body }),
    close: () => client.close(),
    costs: [],
  });
  if (!clientOnly) addProducers(server.endpoint, body, variants);
  if (baseline !== undefined) {
    const url = pathToFileURL(join(baseline, 'lib/client/index.js')).href;
    const { MQClient: BaselineClient } = (await import(url)) as { MQClient: typeof MQClient };
    const old = new BaselineClient(server.endpoint, EMULATOR_CREDENTIALS, {
      connections: concurrency,
    });
    variants.push({
      name: 'baseline client',
      publish: () => old.publish('bench', { body }),
      close: () => old.close(),
      costs: [],
    });
  }
  try {
    for (const v of variants) await round(v.publish, 5_000, concurrency); // warm-up: sockets, JIT
    for (let i = 0; i < rounds; i++) {
      for (const v of variants) v.costs.push(await round(v.publish, total, concurrency));
    }
    process.stdout.write(
      `client CPU per publish, c=${concurrency}, ${rounds} rounds × ${total} publishes each:\n`,
    );
    for (const v of variants) {
      process.stdout.write(
        `  ${v.name.padEnd(22)} median ${median(v.costs).toFixed(2)} µs, best ` +
          `${Math.min(...v.costs).toFixed(2)} µs\n`,
      );
    }
    // Same-round ratios: a disturbance from other tenants touches both sides of each.
    const rawCosts = (variants[0] as Variant).costs;
    for (const v of variants.slice(1)) {
      const ratios = rawCosts.map((r, i) => r / (v.costs[i] as number));
      process.stdout.write(
        `  raw/${v.name} CPU per publish: median ${median(ratios).toFixed(3)} ` +
          `(rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})\n`,
      );
    }
  } finally {
    for (const v of variants) await v.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
