import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Catch,
  Injectable,
  Module,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Observable } from 'rxjs';
import {
  MQConsumer,
  MQCtx,
  MQPayload,
  MQTransactionChecker,
  MQTransactionStatus,
  type MQContext,
} from '../../lib/index.js';
import type {
  MessageDispatcher,
  RunnerTransport,
  TransactionChecker,
} from '../../lib/nest/consumer/index.js';
import { getMQConnectionToken } from '../../lib/nest/mq.tokens.js';
import type { MQTelemetry } from '../../lib/nest/telemetry/mq.telemetry.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { installOpenTelemetry, points, type InstalledOpenTelemetry } from './fixtures/otel.js';
import { quiet } from './fixtures/quiet.js';

const TOPIC = 'otel-orders';
const GROUP = 'GID_otel';
const TX_TOPIC = 'otel-tx';
const TX_GROUP = 'GID_otel_tx';

/** The span active at each step of one delivery's pipeline. */
@Injectable()
class Seen {
  readonly steps: Record<string, string | undefined>[] = [];
  current: Record<string, string | undefined> = {};
  note(step: string): void {
    this.current[step] = trace.getActiveSpan()?.spanContext().spanId;
  }
}

@Injectable()
class SpanGuard implements CanActivate {
  constructor(private readonly seen: Seen) {}
  canActivate(): boolean {
    this.seen.current = {};
    this.seen.steps.push(this.seen.current);
    this.seen.note('guard');
    return true;
  }
}

@Injectable()
class SpanInterceptor implements NestInterceptor {
  constructor(private readonly seen: Seen) {}
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    this.seen.note('interceptor');
    return next.handle();
  }
}

@Injectable()
class SpanPipe implements PipeTransform {
  constructor(private readonly seen: Seen) {}
  transform(value: unknown): unknown {
    this.seen.note('pipe');
    return value;
  }
}

@Catch()
class SpanFilter implements ExceptionFilter {
  constructor(private readonly seen: Seen) {}
  catch(exception: unknown): never {
    this.seen.note('filter');
    throw exception;
  }
}

interface Order {
  id: string;
  fail?: boolean;
}

@Injectable()
class TracedConsumer {
  constructor(private readonly seen: Seen) {}

  @MQConsumer(TOPIC, GROUP, { tag: 'created' })
  @UseGuards(SpanGuard)
  @UseInterceptors(SpanInterceptor)
  @UseFilters(SpanFilter)
  async handle(@MQPayload(SpanPipe) order: Order, @MQCtx() ctx: MQContext): Promise<void> {
    this.seen.note('handler');
    this.seen.current.traceparent = ctx.properties.traceparent;
    // A span the handler starts is a child of the process span.
    await trace.getTracer('app').startActiveSpan('charge card', async (span) => {
      await Promise.resolve();
      this.seen.note('handler-child');
      span.end();
    });
    if (order.fail === true && ctx.attempt === 1) throw new Error('card declined');
  }

  @MQTransactionChecker(TX_TOPIC, TX_GROUP)
  check(): MQTransactionStatus {
    return MQTransactionStatus.Commit;
  }
}

@Module({ providers: [Seen, SpanGuard, SpanInterceptor, SpanPipe, TracedConsumer] })
class TracedModule {}

describe('OpenTelemetry traces and metrics (in-memory SDK, AsyncLocalStorage context manager)', () => {
  let otel: InstalledOpenTelemetry;
  let mq: MQTestingHarness;
  let seen: Seen;
  beforeAll(async () => {
    // As an application does: the SDK is registered before the Nest app is created.
    otel = installOpenTelemetry();
    mq = await createMQTestingModule(
      { imports: [TracedModule] },
      {
        configure: quiet,
        emulator: { topics: [{ name: TX_TOPIC, type: 'transactional' }] },
      },
    );
    seen = mq.moduleRef.get(Seen);
  });
  afterAll(async () => {
    await mq?.close();
    await otel?.uninstall();
  });

  const spansOf = (traceId: string) =>
    otel.spans().filter((s) => s.spanContext().traceId === traceId);

  it('links publish → process: send span in the caller span, process span active through the pipeline', async () => {
    const checkout = trace.getTracer('app').startSpan('POST /checkout');
    const published = await context.with(trace.setSpan(context.active(), checkout), () =>
      mq.producer.publish(TOPIC, { id: 'o-1' }, { tag: 'created', key: 'o-1' }),
    );
    checkout.end();
    await mq.waitFor('message.acked', (e) => e.messageId === published.messageId);
    const traceId = checkout.spanContext().traceId;
    const spans = spansOf(traceId);
    const send = spans.find((s) => s.name === `send ${TOPIC}`)!;
    const process = spans.find((s) => s.name === `process ${TOPIC}`)!;
    const child = spans.find((s) => s.name === 'charge card')!;
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(checkout.spanContext().spanId);
    expect(send.attributes).toEqual({
      'messaging.system': 'rocketmq',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': TOPIC,
      'messaging.message.id': published.messageId,
      'messaging.rocketmq.message.tag': 'created',
      'messaging.rocketmq.message.keys': ['o-1'],
      'messaging.rocketmq.message.type': 'normal',
      'messaging.rocketmq.namespace': mq.emulator.instanceId,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(mq.emulator.endpoint).port),
    });
    expect(send.status.code).toBe(SpanStatusCode.UNSET);

    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(process.attributes).toMatchObject({
      'messaging.system': 'rocketmq',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': TOPIC,
      'messaging.consumer.group.name': GROUP,
      'messaging.message.id': published.messageId,
      'messaging.rocketmq.message.tag': 'created',
      'messaging.rocketmq.message.keys': ['o-1'],
      'messaging.rocketmq.message.delivery_attempt': 1,
      'messaging.rocketmq.namespace': mq.emulator.instanceId,
    });
    expect(child.parentSpanContext?.spanId).toBe(process.spanContext().spanId);

    // The message carried the send span's context; every step ran inside the process span.
    const step = seen.steps.at(-1)!;
    expect(step.traceparent).toBe(`00-${traceId}-${send.spanContext().spanId}-01`);
    const id = process.spanContext().spanId;
    expect(step).toMatchObject({ guard: id, interceptor: id, pipe: id, handler: id });
  });

  it('a failed delivery: error status, exception event, error.type; the attempt is recorded', async () => {
    const published = await mq.producer.publish(
      TOPIC,
      { id: 'o-2', fail: true },
      { tag: 'created' },
    );
    await mq.waitFor('message.failed', (e) => e.messageId === published.messageId);
    mq.advance(5 * 60_000); // the invisibility window: the message comes back
    await mq.waitFor('message.acked', (e) => e.messageId === published.messageId);
    const processes = otel
      .spans()
      .filter(
        (s) =>
          s.name === `process ${TOPIC}` &&
          s.attributes['messaging.message.id'] === published.messageId,
      );
    expect(
      processes.map((s) => s.attributes['messaging.rocketmq.message.delivery_attempt']),
    ).toEqual([1, 2]);
    const [failed, succeeded] = processes;
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(failed!.attributes['error.type']).toBe('Error');
    expect(failed!.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([
      ['exception', 'card declined'],
    ]);
    expect(succeeded!.status.code).toBe(SpanStatusCode.UNSET);
    // Both deliveries are children of the one send span (the broker redelivered the same message).
    const send = otel
      .spans()
      .find(
        (s) =>
          s.name === `send ${TOPIC}` &&
          s.attributes['messaging.message.id'] === published.messageId,
      )!;
    expect(processes.map((s) => s.parentSpanContext?.spanId)).toEqual([
      send.spanContext().spanId,
      send.spanContext().spanId,
    ]);
    // The filter saw the failing delivery's span active too.
    const failingStep = seen.steps.find((s) => s.filter !== undefined)!;
    expect(failingStep.filter).toBe(failed!.spanContext().spanId);
  });

  it('transaction checks: a check span, child of the context the half message carries', async () => {
    const upstream = trace.getTracer('app').startSpan('upstream');
    upstream.end();
    const { traceId, spanId } = upstream.spanContext();
    const half = await mq.producer.client.publish(TX_TOPIC, {
      body: JSON.stringify({ id: 't-1' }),
      transCheckImmunitySeconds: 10,
      properties: { traceparent: `00-${traceId}-${spanId}-01` },
    });
    mq.advance(10_000);
    await mq.waitFor('message.succeeded', (e) => e.messageId === half.messageId);
    const check = spansOf(traceId).find((s) => s.name === `check ${TX_TOPIC}`)!;
    expect(check.kind).toBe(SpanKind.CONSUMER);
    expect(check.parentSpanContext?.spanId).toBe(spanId);
    expect(check.attributes).toMatchObject({
      'messaging.operation.name': 'check',
      'messaging.consumer.group.name': TX_GROUP,
      'messaging.rocketmq.message.type': 'transaction',
      'aliyun_mq.transaction.decision': 'commit',
    });
  });

  it('metrics: sent, consumed, process and operation durations, in-flight and status gauges', async () => {
    const all = await otel.collect();
    const server = {
      'messaging.system': 'rocketmq',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(mq.emulator.endpoint).port),
    };
    const sent = points(all, 'messaging.client.sent.messages', {
      'messaging.destination.name': TOPIC,
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.attributes).toEqual({
      ...server,
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': TOPIC,
    });
    expect(sent[0]!.value).toBe(2);
    const consumed = points(all, 'messaging.client.consumed.messages', {
      'messaging.destination.name': TOPIC,
    });
    expect(consumed.map((p) => [p.attributes, p.value])).toEqual([
      [
        {
          ...server,
          'messaging.operation.name': 'receive',
          'messaging.destination.name': TOPIC,
          'messaging.consumer.group.name': GROUP,
        },
        3, // o-1, o-2 and o-2 again
      ],
    ]);
    const processed = points(all, 'messaging.process.duration', {
      'messaging.destination.name': TOPIC,
    });
    const count = (p: (typeof processed)[number]) => (p.value as { count: number }).count;
    expect(processed.map((p) => [p.attributes['error.type'] ?? 'ok', count(p)]).sort()).toEqual([
      ['Error', 1],
      ['ok', 2],
    ]);
    const operations = points(all, 'messaging.client.operation.duration', {
      'messaging.destination.name': TOPIC,
    }).map(
      (p) =>
        `${p.attributes['messaging.operation.type']}/${p.attributes['messaging.operation.name']}`,
    );
    expect(new Set(operations)).toEqual(new Set(['send/send', 'receive/receive', 'settle/ack']));
    expect(
      points(all, 'aliyun_mq.consumer.in_flight', {
        'aliyun_mq.consumer.name': 'TracedConsumer.handle',
      }).map((p) => p.value),
    ).toEqual([0]);
    const status = points(all, 'aliyun_mq.consumer.status', {
      'aliyun_mq.consumer.name': 'TracedConsumer.handle',
    });
    expect(
      Object.fromEntries(status.map((p) => [p.attributes['aliyun_mq.consumer.status'], p.value])),
    ).toEqual({
      idle: 0,
      running: 1,
      paused: 0,
      'backing-off': 0,
      unhealthy: 0,
      stopping: 0,
      stopped: 0,
    });
  });

  it('telemetry: false: no span, no metric, no trace context in the message', async () => {
    const off = await createMQTestingModule(
      { imports: [TracedModule] },
      { configure: quiet, module: { telemetry: false } },
    );
    try {
      const root = trace.getTracer('app').startSpan('caller');
      const published = await context.with(trace.setSpan(context.active(), root), () =>
        off.producer.publish(TOPIC, { id: 'o-3' }, { tag: 'created' }),
      );
      root.end();
      await off.waitFor('message.acked', (e) => e.messageId === published.messageId);
      expect(spansOf(root.spanContext().traceId).map((s) => s.name)).toEqual(['caller']);
      expect(
        otel.spans().filter((s) => s.attributes['messaging.message.id'] === published.messageId),
      ).toEqual([]);
      const step = off.moduleRef.get(Seen).steps.at(-1)!;
      expect(step.traceparent).toBeUndefined();
      const port = Number(new URL(off.emulator.endpoint).port);
      const all = await otel.collect();
      const ofThatConnection = all.flatMap((m) =>
        m.dataPoints.filter((p) => p.attributes['server.port'] === port),
      );
      expect(ofThatConnection).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('no provider registered: the connection installs no hook at all', async () => {
    await otel.uninstall();
    const bare = await createMQTestingModule({}, { configure: quiet });
    try {
      const connection = bare.moduleRef.get<{ telemetry: MQTelemetry }>(getMQConnectionToken(), {
        strict: false,
      });
      const telemetry = connection.telemetry;
      expect(telemetry.active).toBe(false);
      // The producer and the runners get the very functions they would without telemetry.
      expect(telemetry.publisher).toBeUndefined();
      const hooks = telemetry.runnerHooks({ topic: 'otel-bare', group: 'GID_bare' });
      const dispatch: MessageDispatcher = async () => ({ outcome: 'ack' });
      const check: TransactionChecker = async () => 'commit';
      expect(hooks.dispatcher(dispatch)).toBe(dispatch);
      expect(hooks.checker(check)).toBe(check);
      const transport = connection as unknown as { transport: RunnerTransport };
      expect(hooks.transport(transport.transport)).toBe(transport.transport);
      const message = await bare.producer.publish('otel-bare', { id: 'b-1' });
      expect(message.messageId).toMatch(/^[0-9A-F]+$/);
      expect(
        bare.emulator.admin.peek({ topic: 'otel-bare' }).map((m) => m.properties?.traceparent),
      ).toEqual([undefined]);
    } finally {
      await bare.close();
    }
  });
});
