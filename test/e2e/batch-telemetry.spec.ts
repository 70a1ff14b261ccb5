import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, UseGuards, type CanActivate } from '@nestjs/common';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { MQConsumer, type MQBatchContext } from '../../lib/index.js';
import type { BatchDispatcher } from '../../lib/nest/consumer/index.js';
import { getMQConnectionToken } from '../../lib/nest/mq.tokens.js';
import type { MQTelemetry } from '../../lib/nest/telemetry/mq.telemetry.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { installOpenTelemetry, points, type InstalledOpenTelemetry } from './fixtures/otel.js';
import { quiet } from './fixtures/quiet.js';

const TOPIC = 'otel-batch';
const GROUP = 'GID_otel_batch';

/** The span active in the guard and in the handler, per batch. */
@Injectable()
class Seen {
  readonly guard: (string | undefined)[] = [];
  readonly handler: (string | undefined)[] = [];
}

@Injectable()
class SpanGuard implements CanActivate {
  constructor(private readonly seen: Seen) {}
  canActivate(): boolean {
    this.seen.guard.push(trace.getActiveSpan()?.spanContext().spanId);
    return true;
  }
}

@Injectable()
class TracedBatches {
  constructor(private readonly seen: Seen) {}

  @MQConsumer(TOPIC, GROUP, { batch: true, autoStart: false })
  @UseGuards(SpanGuard)
  async handle(items: { id: string; fail?: boolean }[], _messages: unknown, ctx: MQBatchContext) {
    this.seen.handler.push(trace.getActiveSpan()?.spanContext().spanId);
    await trace.getTracer('app').startActiveSpan('bulk insert', async (span) => {
      await Promise.resolve();
      span.end();
    });
    const failing = items.findIndex((i) => i.fail === true);
    if (failing !== -1 && ctx.messages[failing]!.consumedTimes === 1) {
      ctx.markDone(...items.map((_, i) => i).filter((i) => i !== failing));
      throw new Error('one row rejected');
    }
  }
}

@Module({ providers: [Seen, SpanGuard, TracedBatches] })
class TracedModule {}

describe('OpenTelemetry for batch consumers (in-memory SDK)', () => {
  let otel: InstalledOpenTelemetry;
  let mq: MQTestingHarness;
  beforeAll(async () => {
    otel = installOpenTelemetry();
    mq = await createMQTestingModule({ imports: [TracedModule] }, { configure: quiet });
  });
  afterAll(async () => {
    await mq?.close();
    await otel?.uninstall();
  });

  const processSpans = () => otel.spans().filter((s) => s.name === `process ${TOPIC}`);

  it('one process span per batch, linked to each message’s producer span, active through the pipeline', async () => {
    const sends: string[] = [];
    const ids: string[] = [];
    for (const id of ['a', 'b']) {
      const caller = trace.getTracer('app').startSpan(`POST /orders/${id}`);
      const { messageId } = await context.with(trace.setSpan(context.active(), caller), () =>
        mq.producer.publish(TOPIC, { id }),
      );
      caller.end();
      ids.push(messageId);
      const send = otel
        .spans()
        .find(
          (s) => s.name === `send ${TOPIC}` && s.attributes['messaging.message.id'] === messageId,
        )!;
      sends.push(send.spanContext().spanId);
    }
    // Published without any trace context (the bare client): no link for it.
    ids.push((await mq.producer.client.publish(TOPIC, { body: '{"id":"c"}' })).messageId);
    mq.registry.start();
    await mq.waitForMany('message.acked', 3, (e) => ids.includes(e.messageId));

    const [span, ...others] = processSpans();
    expect(others).toEqual([]);
    expect(span!.kind).toBe(SpanKind.CONSUMER);
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.attributes).toMatchObject({
      'messaging.system': 'rocketmq',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': TOPIC,
      'messaging.consumer.group.name': GROUP,
      'messaging.batch.message_count': 3,
    });
    expect(span!.attributes['messaging.message.id']).toBeUndefined();
    expect(
      span!.links.map((l) => [l.context.spanId, l.attributes?.['messaging.message.id']]),
    ).toEqual([
      [sends[0], ids[0]],
      [sends[1], ids[1]],
    ]);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    const id = span!.spanContext().spanId;
    const seen = mq.moduleRef.get(Seen);
    expect(seen.guard).toEqual([id]);
    expect(seen.handler).toEqual([id]);
    const child = otel.spans().find((s) => s.name === 'bulk insert')!;
    expect(child.parentSpanContext?.spanId).toBe(id);
  });

  it('a failed batch: error status and how many messages were marked done; one duration per batch', async () => {
    const ids: string[] = [];
    await mq.registry.stop();
    for (const body of [{ id: 'd' }, { id: 'e', fail: true }, { id: 'f' }]) {
      ids.push((await mq.producer.publish(TOPIC, body)).messageId);
    }
    mq.registry.start();
    await mq.waitFor('message.failed', (e) => e.messageId === ids[1]);
    const failed = processSpans().at(-1)!;
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'one row rejected' });
    expect(failed.attributes['error.type']).toBe('Error');
    expect(failed.attributes['aliyun_mq.batch.done_count']).toBe(2);
    // The marked ones are acked before their window ends; only the failed one comes back.
    await mq.waitForMany(
      'message.acked',
      2,
      (e) => e.messageId === ids[0] || e.messageId === ids[2],
    );
    mq.advance(300_000);
    await mq.waitFor('message.acked', (e) => e.messageId === ids[1]);
    // A batch of one carries the message's own attributes instead of a count.
    const single = processSpans().at(-1)!;
    expect(single.attributes['messaging.message.id']).toBe(ids[1]);
    expect(single.attributes['messaging.batch.message_count']).toBeUndefined();
    expect(single.attributes['messaging.rocketmq.message.delivery_attempt']).toBe(2);

    const durations = points(await otel.collect(), 'messaging.process.duration', {
      'messaging.destination.name': TOPIC,
    });
    const count = (p: (typeof durations)[number]) => (p.value as { count: number }).count;
    expect(durations.map((p) => [p.attributes['error.type'] ?? 'ok', count(p)]).sort()).toEqual([
      ['Error', 1],
      ['ok', 2],
    ]);
  });

  it('no provider registered: the batch dispatcher is handed back unchanged (no cost)', async () => {
    await otel.uninstall();
    const bare = await createMQTestingModule({}, { configure: quiet });
    try {
      const connection = bare.moduleRef.get<{ telemetry: MQTelemetry }>(getMQConnectionToken(), {
        strict: false,
      });
      const hooks = connection.telemetry.runnerHooks({ topic: TOPIC, group: GROUP });
      const dispatch: BatchDispatcher = async () => ({ outcome: 'ack' });
      expect(hooks.batchDispatcher(dispatch)).toBe(dispatch);
    } finally {
      await bare.close();
    }
  });
});
