/**
 * CPU per message of one consumer's whole runtime (poll loop, slots, the dispatcher through Nest's
 * pipeline, batched acks) over an in-memory transport: no sockets and no broker, so other
 * processes on a shared machine disturb it far less than a drain against the emulator. Compares
 * builds (copy this file into the other tree) and OpenTelemetry variants:
 *   node dist/bench/tools/runner.micro.js [off|context|metrics|traces+metrics] [messages=200000] [rounds=5] [events=none|subscribed]
 * Every message carries a producer's traceparent. Where the build has telemetry, the runner is
 * built with the connection's telemetry hooks as the module builds it. `events=subscribed` sends
 * the runner's events to the stream the module gives them to (`MQEventStream`, or an rxjs Subject
 * in builds before it), with one subscriber counting acks as the drain bench does; `none` (the
 * default, and the figures published before) to a sink that drops them.
 */
import 'reflect-metadata';
import { Subject, type Observable } from 'rxjs';
import { Injectable, Module, type LoggerService } from '@nestjs/common';
import {
  DiscoveryModule,
  DiscoveryService,
  ExternalContextCreator,
  ModuleRef,
  NestFactory,
} from '@nestjs/core';
import type { MQAckResult, MQReceivedMessage } from '../../lib/client/client.types.js';
import { ConsumerRunner } from '../../lib/nest/consumer/consumer-runner.js';
import type { MessageDispatcher } from '../../lib/nest/consumer/consumer.contract.js';
import type { RunnerEventSink, RunnerTransport } from '../../lib/nest/consumer/runner-status.js';
import type { MQEvent } from '../../lib/nest/interfaces/mq-events.interface.js';
import { MQPayload } from '../../lib/nest/decorators/index.js';
import { DispatchTracker } from '../../lib/nest/dispatcher/dispatch.tracker.js';
import { HandlerPipeline } from '../../lib/nest/dispatcher/handler.pipeline.js';
import { createMessageDispatcher } from '../../lib/nest/dispatcher/message.dispatcher.js';
import { MQParamsFactory } from '../../lib/nest/dispatcher/mq-params.factory.js';
import type {
  MQConsumerDefinition,
  MQHandlerTarget,
} from '../../lib/nest/interfaces/mq-handler-definition.interface.js';
import {
  installTelemetry,
  PRODUCER_TRACEPARENT,
  TELEMETRY_VARIANTS,
  type TelemetryVariant,
} from '../harness/otel.sdk.js';
import { median } from '../harness/percentiles.js';

@Injectable()
class BenchHandlers {
  handled = 0;

  async handle(@MQPayload() payload: { n: number }): Promise<void> {
    this.handled += payload.n;
  }
}

@Module({ imports: [DiscoveryModule], providers: [BenchHandlers] })
class BenchModule {}

const TOPIC = 'bench-runner';
const GROUP = 'GID_bench_runner';
const noop = (): void => undefined;
const silent: LoggerService = { log: noop, error: noop, warn: noop, debug: noop, verbose: noop };

/** Hands out `total` messages, batch by batch, then holds polls until they are aborted. */
class InMemoryTransport implements RunnerTransport {
  readonly maxAckBatch = 16;
  readonly supportsNack = false;
  readonly clientInvisibility = false;
  private sent = 0;
  private acked = 0;
  private finish: () => void = noop;
  readonly done: Promise<void>;

  constructor(private readonly total: number) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  receive(request: { max: number; signal?: AbortSignal }): Promise<MQReceivedMessage[]> {
    const n = Math.min(request.max, this.total - this.sent);
    if (n === 0) {
      return new Promise((resolve) => request.signal?.addEventListener('abort', () => resolve([])));
    }
    const messages = new Array<MQReceivedMessage>(n);
    for (let i = 0; i < n; i++) {
      const id = ++this.sent;
      messages[i] = {
        messageId: `M${id}`,
        receiptHandle: `H${id}`,
        bodyMd5: '',
        body: '{"n":1}',
        publishTime: 0,
        firstConsumeTime: 0,
        nextConsumeTime: 0,
        consumedTimes: 1,
        tag: 'created',
        properties: { traceparent: PRODUCER_TRACEPARENT },
      };
    }
    return Promise.resolve(messages);
  }

  ack(
    _topic: string,
    _group: string,
    messages: readonly MQReceivedMessage[],
  ): Promise<MQAckResult> {
    this.acked += messages.length;
    if (this.acked >= this.total) this.finish();
    return Promise.resolve({
      acked: messages.map((m) => m.receiptHandle),
      failed: [],
      requestId: 'R',
    });
  }

  nack(): Promise<void> {
    return Promise.reject(new Error('no nack'));
  }
  receiveTransactionChecks(): Promise<MQReceivedMessage[]> {
    return Promise.resolve([]);
  }
  commit(): Promise<MQAckResult> {
    return Promise.reject(new Error('no commit'));
  }
  rollback(): Promise<MQAckResult> {
    return Promise.reject(new Error('no rollback'));
  }
  isConfigurationError(): boolean {
    return false;
  }
}

interface Hooks {
  dispatcher(d: MessageDispatcher): MessageDispatcher;
  transport(t: RunnerTransport): RunnerTransport;
}

/** The connection's telemetry hooks, where this build has them. */
async function telemetryHooks(): Promise<Hooks | undefined> {
  try {
    const module = (await import('../../lib/nest/telemetry/mq.telemetry.js' as string)) as {
      MQTelemetry: {
        create(enabled: boolean, target: object): Promise<{ runnerHooks(c: object): Hooks }>;
      };
    };
    const telemetry = await module.MQTelemetry.create(true, {
      endpoint: 'http://127.0.0.1:9876',
      instanceId: undefined,
    });
    return telemetry.runnerHooks({ topic: TOPIC, group: GROUP });
  } catch {
    return undefined; // a build without telemetry
  }
}

/** `message.acked` events the subscriber saw (events=subscribed). */
let ackEvents = 0;

/** Where the runner's events go (see the usage above). */
async function eventSink(kind: string): Promise<RunnerEventSink> {
  if (kind === 'none') return { next: noop };
  if (kind !== 'subscribed') throw new Error(`unknown events option ${kind} (none | subscribed)`);
  let stream: RunnerEventSink & { asObservable(): Observable<MQEvent> };
  try {
    const module = (await import('../../lib/nest/mq.event-stream.js' as string)) as {
      MQEventStream: new () => typeof stream;
    };
    stream = new module.MQEventStream();
  } catch {
    stream = new Subject<MQEvent>(); // a build before MQEventStream
  }
  stream.asObservable().subscribe((event) => {
    if (event.type === 'message.acked') ackEvents++;
  });
  return stream;
}

async function main(): Promise<void> {
  const variant = (process.argv[2] ?? 'off') as TelemetryVariant;
  const total = Number(process.argv[3] ?? 200_000);
  const rounds = Number(process.argv[4] ?? 5);
  const events = await eventSink(process.argv[5] ?? 'none');
  if (!TELEMETRY_VARIANTS.includes(variant)) {
    throw new Error(`unknown variant ${variant} (${TELEMETRY_VARIANTS.join(' | ')})`);
  }
  const uninstall = installTelemetry(variant);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const wrapper = app
    .get(DiscoveryService)
    .getProviders()
    .find((w) => w.metatype === BenchHandlers)!;
  const tracker = new DispatchTracker();
  const target: MQHandlerTarget = {
    wrapper,
    hostClass: BenchHandlers,
    methodName: 'handle',
    label: 'BenchHandlers.handle',
    scope: 'static',
  };
  const options = {
    name: target.label,
    connection: 'default',
    topic: TOPIC,
    group: GROUP,
    batchSize: 16,
    waitSeconds: 30,
    concurrency: 32,
    orderly: false,
    handlerTimeoutMs: 240_000,
    retryBackoff: { initialMs: 1_000, maxMs: 300_000 },
    autoStart: true,
  };
  const definition = {
    kind: 'consumer',
    options,
    target,
    decode: (m: MQReceivedMessage) => JSON.parse(m.body) as unknown,
  } as unknown as MQConsumerDefinition;
  const pipeline = new HandlerPipeline(target, {
    contextCreator: app.get(ExternalContextCreator),
    moduleRef: app.get(ModuleRef),
    paramsFactory: new MQParamsFactory(tracker),
    tracker,
  });
  const policies = {
    onFilteredError: 'retry',
    onGuardRejection: 'retry',
    onInvalidMessage: 'retry',
  } as const;
  const hooks = await telemetryHooks();
  const costs: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const memory = new InMemoryTransport(total);
    let dispatch = createMessageDispatcher(definition, pipeline, policies);
    let transport: RunnerTransport = memory;
    if (hooks !== undefined) {
      dispatch = hooks.dispatcher(dispatch);
      transport = hooks.transport(transport);
    }
    const runner = new ConsumerRunner(options, {
      transport,
      events,
      logger: silent,
      dispatch,
    });
    const start = process.cpuUsage();
    runner.start();
    await memory.done;
    const used = process.cpuUsage(start);
    await runner.stop(0);
    // Round 0 warms up (JIT); not counted.
    if (round > 0) costs.push((used.user + used.system) / total);
  }
  console.log(
    `${variant}${hooks === undefined ? ' (build without telemetry)' : ''}: ${median(costs).toFixed(3)} µs CPU/msg ` +
      `(median of ${rounds} × ${total}; ${costs.map((c) => c.toFixed(2)).join(' ')})` +
      (ackEvents > 0 ? `; ${ackEvents} message.acked events seen` : ''),
  );
  await app.close();
  await uninstall();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
