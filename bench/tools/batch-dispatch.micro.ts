/**
 * CPU per message of the Nest pipeline for a per-message handler and for a batch handler
 * (`batch: true`, batches of 16), without any HTTP; then the batch dispatcher behind the
 * telemetry hooks: with no SDK registered (what every application without OpenTelemetry runs: the
 * hooks must cost nothing), and with traces and metrics (the span per batch with its 16 links).
 *   node dist/bench/tools/batch-dispatch.micro.js [messages=200000]
 */
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import {
  DiscoveryModule,
  DiscoveryService,
  ExternalContextCreator,
  ModuleRef,
  NestFactory,
} from '@nestjs/core';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { MQReceivedMessage } from '../../lib/client/client.types.js';
import type { BatchDeliveryHandle, BatchDispatcher } from '../../lib/nest/consumer/index.js';
import type { MessageDispatcher } from '../../lib/nest/consumer/consumer.contract.js';
import { MQPayload } from '../../lib/nest/decorators/index.js';
import { createBatchDispatcher } from '../../lib/nest/dispatcher/batch.dispatcher.js';
import { DispatchTracker } from '../../lib/nest/dispatcher/dispatch.tracker.js';
import { HandlerPipeline } from '../../lib/nest/dispatcher/handler.pipeline.js';
import { createMessageDispatcher } from '../../lib/nest/dispatcher/message.dispatcher.js';
import { MQParamsFactory } from '../../lib/nest/dispatcher/mq-params.factory.js';
import type {
  MQConsumerDefinition,
  MQHandlerTarget,
} from '../../lib/nest/interfaces/mq-handler-definition.interface.js';
import { MQTelemetry } from '../../lib/nest/telemetry/mq.telemetry.js';
import { PRODUCER_TRACEPARENT } from '../harness/otel.sdk.js';

const BATCH = 16;

@Injectable()
class BenchHandlers {
  handled = 0;

  async perMessage(@MQPayload() payload: { n: number }): Promise<void> {
    this.handled += payload.n;
  }

  async batch(@MQPayload() payloads: { n: number }[]): Promise<void> {
    for (const payload of payloads) this.handled += payload.n;
  }
}

@Module({ imports: [DiscoveryModule], providers: [BenchHandlers] })
class BenchModule {}

class IdleReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const dropping: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

type Variant = 'no SDK' | 'traces+metrics' | 'traces+metrics, ALS context';

function install(variant: Variant): () => Promise<void> {
  if (variant === 'no SDK') return async () => undefined;
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  metrics.setGlobalMeterProvider(meterProvider);
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(dropping)],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (variant === 'traces+metrics, ALS context') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  return async () => {
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  };
}

function message(i: number): MQReceivedMessage {
  return {
    messageId: `0A0B0C0D0E0F0000000000000000${String(i).padStart(4, '0')}`,
    receiptHandle: 'H' + i,
    bodyMd5: '',
    body: '{"n":1}',
    publishTime: 0,
    firstConsumeTime: 0,
    nextConsumeTime: 0,
    consumedTimes: 1,
    properties: { traceparent: PRODUCER_TRACEPARENT },
  };
}

/** What the runtime hands the batch dispatcher (marks are not exercised here). */
function batchHandle(): BatchDeliveryHandle {
  return {
    signal: new AbortController().signal,
    abortReason: undefined,
    markDone: () => undefined,
    isDone: () => false,
    doneCount: 0,
  };
}

/** CPU µs per message of `run`, which handles BATCH messages per call (awaited one at a time). */
async function cpuUsPerMessage(run: () => Promise<unknown>, total: number): Promise<number> {
  const start = process.cpuUsage();
  for (let done = 0; done < total; done += BATCH) await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / total;
}

/** Median of three timed runs after a warm-up. */
async function measure(run: () => Promise<unknown>, total: number): Promise<number> {
  await cpuUsPerMessage(run, 20_000);
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) runs.push(await cpuUsPerMessage(run, total));
  return runs.sort((a, b) => a - b)[1]!;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200_000);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const wrapper = app
    .get(DiscoveryService)
    .getProviders()
    .find((w) => w.metatype === BenchHandlers)!;
  const tracker = new DispatchTracker();
  const deps = {
    contextCreator: app.get(ExternalContextCreator),
    moduleRef: app.get(ModuleRef),
    paramsFactory: new MQParamsFactory(tracker),
    tracker,
  };
  const policies = {
    onFilteredError: 'retry',
    onGuardRejection: 'retry',
    onInvalidMessage: 'retry',
  } as const;
  const definitionOf = (methodName: string) => {
    const target: MQHandlerTarget = {
      wrapper,
      hostClass: BenchHandlers,
      methodName,
      label: `BenchHandlers.${methodName}`,
      scope: 'static',
    };
    const definition = {
      kind: 'consumer',
      options: { name: target.label, topic: 'T', group: 'G' },
      target,
      decode: (m: MQReceivedMessage) => JSON.parse(m.body) as unknown,
    } as unknown as MQConsumerDefinition;
    return { definition, pipeline: new HandlerPipeline(target, deps) };
  };
  const messages = Array.from({ length: BATCH }, (_, i) => message(i));

  const single = definitionOf('perMessage');
  const dispatch: MessageDispatcher = createMessageDispatcher(
    single.definition,
    single.pipeline,
    policies,
  );
  const delivery = { signal: new AbortController().signal };
  const perMessage = await measure(async () => {
    const results = await Promise.all(messages.map((m) => dispatch(m, delivery)));
    if (results[0]?.outcome !== 'ack') throw new Error(`unexpected ${results[0]?.outcome}`);
  }, total);
  console.log(`per-message handler, 16 concurrent: ${perMessage.toFixed(2)} µs CPU/msg`);

  const batched = definitionOf('batch');
  const raw: BatchDispatcher = createBatchDispatcher(
    batched.definition,
    batched.pipeline,
    policies,
  );
  const runBatch = (batchDispatch: BatchDispatcher) => async () => {
    const result = await batchDispatch(messages, batchHandle());
    if (result.outcome !== 'ack') throw new Error(`unexpected ${result.outcome}`);
  };
  const bare = await measure(runBatch(raw), total);
  console.log(
    `batch handler, batches of ${BATCH}: ${bare.toFixed(2)} µs CPU/msg (${(bare / perMessage).toFixed(2)}× the per-message handler)`,
  );

  for (const variant of ['no SDK', 'traces+metrics', 'traces+metrics, ALS context'] as const) {
    const uninstall = install(variant);
    const telemetry = await MQTelemetry.create(true, {
      endpoint: 'http://127.0.0.1:9876',
      instanceId: 'MQ_INST_bench',
    });
    const hooked = telemetry.runnerHooks({ topic: 'T', group: 'G' }).batchDispatcher(raw);
    const cost = await measure(runBatch(hooked), total);
    console.log(
      `batch handler behind the telemetry hooks, ${variant.padEnd(27)}: ${cost.toFixed(2)} µs CPU/msg (${cost - bare >= 0 ? '+' : ''}${(cost - bare).toFixed(2)}; hooks ${hooked === raw ? 'absent: the same function' : 'installed'})`,
    );
    telemetry.close();
    await uninstall();
  }
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
