/**
 * CPU per message of the telemetry hooks alone, around a dispatcher and a transport call that do
 * nothing (so nothing else is measured): the consumer's process span and duration, the producer's
 * send span (with trace-context injection) and counters. Variants: what an application registers.
 *   node dist/bench/tools/telemetry.micro.js [messages=200000]
 */
import { SpanKind, context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { MQPublishResult, MQReceivedMessage } from '../../lib/client/client.types.js';
import type { MessageDispatcher } from '../../lib/nest/consumer/consumer.contract.js';
import { MQTelemetry } from '../../lib/nest/telemetry/mq.telemetry.js';
import { PRODUCER_TRACEPARENT } from '../harness/otel.sdk.js';

class IdleReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const dropping: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

type Variant = 'no SDK' | 'metrics' | 'traces+metrics' | 'traces+metrics, ALS context';

function install(variant: Variant): () => Promise<void> {
  if (variant === 'no SDK') return async () => undefined;
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  metrics.setGlobalMeterProvider(meterProvider);
  let tracerProvider: BasicTracerProvider | undefined;
  if (variant !== 'metrics') {
    tracerProvider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(dropping)],
    });
    trace.setGlobalTracerProvider(tracerProvider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    if (variant === 'traces+metrics, ALS context') {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    }
  }
  return async () => {
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    await tracerProvider?.shutdown();
    await meterProvider.shutdown();
  };
}

const message: MQReceivedMessage = {
  messageId: '0A0B0C0D0E0F00000000000000000001',
  receiptHandle: 'H',
  bodyMd5: '',
  body: '{"n":1}',
  publishTime: 0,
  firstConsumeTime: 0,
  nextConsumeTime: 0,
  consumedTimes: 1,
  tag: 'created',
  properties: { traceparent: PRODUCER_TRACEPARENT },
};
const result: MQPublishResult = { messageId: 'M', bodyMd5: 'X', requestId: 'R' };
const ACK = { outcome: 'ack' as const };

/** CPU µs per call of `run`, 16 concurrent at a time. */
async function cpuUsPerCall(run: () => Promise<unknown>, total: number): Promise<number> {
  const batch = new Array<Promise<unknown>>(16);
  const start = process.cpuUsage();
  for (let done = 0; done < total; done += 16) {
    for (let i = 0; i < 16; i++) batch[i] = run();
    await Promise.all(batch);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / total;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200_000);
  const variants: Variant[] = [
    'no SDK',
    'metrics',
    'traces+metrics',
    'traces+metrics, ALS context',
  ];
  const base: MessageDispatcher = () => Promise.resolve(ACK);
  const delivery = { signal: new AbortController().signal };
  const send = (): Promise<MQPublishResult> => Promise.resolve(result);
  const figures: Record<string, { process: number; publish: number }> = {};
  for (const variant of variants) {
    const uninstall = install(variant);
    const telemetry = await MQTelemetry.create(true, {
      endpoint: 'http://127.0.0.1:9876',
      instanceId: 'MQ_INST_bench',
    });
    const dispatch = telemetry
      .runnerHooks({ topic: 'orders', group: 'GID_bench' })
      .dispatcher(base);
    const publisher = telemetry.publisher;
    const publish = (): Promise<MQPublishResult> =>
      publisher === undefined
        ? send()
        : publisher.send('orders', { body: '{"n":1}', tag: 'created', key: 'k' }, send);
    const consume = (): Promise<unknown> => dispatch(message, delivery);
    await cpuUsPerCall(consume, 20_000); // warm-up
    await cpuUsPerCall(publish, 20_000);
    const processRuns: number[] = [];
    const publishRuns: number[] = [];
    for (let r = 0; r < 3; r++) {
      processRuns.push(await cpuUsPerCall(consume, total));
      publishRuns.push(await cpuUsPerCall(publish, total));
    }
    const mid = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    figures[variant] = { process: mid(processRuns), publish: mid(publishRuns) };
    telemetry.close();
    await uninstall();
  }
  // Not emitted by the package (README: why): what a `receive` span per poll batch (with links to
  // its 16 messages' contexts) and an `ack` span per ack request would add, per message.
  const pollSpans = await pollSpansUsPerMessage(total);
  const none = figures['no SDK']!;
  for (const variant of variants) {
    const f = figures[variant]!;
    console.log(
      `${variant.padEnd(28)} consume: ${f.process.toFixed(2)} µs/msg (+${(f.process - none.process).toFixed(2)})` +
        `   publish: ${f.publish.toFixed(2)} µs/msg (+${(f.publish - none.publish).toFixed(2)})`,
    );
  }
  console.log(
    `receive + ack spans per batch of 16 (not emitted; prototype): +${pollSpans.toFixed(2)} µs/msg`,
  );
}

/** CPU µs per message of one receive span (16 links) and one ack span per batch of 16. */
async function pollSpansUsPerMessage(total: number): Promise<number> {
  const uninstall = install('traces+metrics');
  const tracer = trace.getTracer('poll-spans-prototype');
  const attributes = {
    'messaging.system': 'rocketmq',
    'messaging.operation.name': 'receive',
    'messaging.operation.type': 'receive',
    'messaging.destination.name': 'orders',
    'messaging.consumer.group.name': 'GID_bench',
    'messaging.batch.message_count': 16,
    'server.address': '127.0.0.1',
    'server.port': 9876,
  };
  const batch = Array.from({ length: 16 }, () => message);
  const once = (): void => {
    const startTime = performance.timeOrigin + performance.now();
    const links = batch.map((m) => ({
      context: trace.getSpanContext(propagation.extract(context.active(), m.properties))!,
    }));
    tracer
      .startSpan('receive orders', { kind: SpanKind.CLIENT, attributes, links, startTime })
      .end();
    tracer.startSpan('ack orders', { kind: SpanKind.CLIENT, attributes }).end();
  };
  for (let i = 0; i < 2_000; i++) once();
  const start = process.cpuUsage();
  const batches = Math.ceil(total / 16);
  for (let i = 0; i < batches; i++) once();
  const used = process.cpuUsage(start);
  await uninstall();
  return (used.user + used.system) / (batches * 16);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
