import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import {
  MQBatchTimeoutError,
  MQConsumer,
  MQCtx,
  MQDeliveryRejectedError,
  MQHandlerTimeoutError,
  MQInvalidMessageError,
  MQMessage,
  MQPayload,
  type MQBatchContext,
  type MQReceivedMessage,
} from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { Arrivals, Gate } from './fixtures/gate.js';
import { quiet } from './fixtures/quiet.js';
import { TRANSPORTS } from './fixtures/transports.js';

const GROUP = 'GID_batch';

interface Item {
  n: number;
}

interface Call {
  handler: string;
  ns: number[];
  ids: string[];
  attempts: number[];
}

/** Every batch consumer starts by hand, once its messages are published: a poll then takes them all. */
@Injectable()
class BatchConsumers {
  readonly calls: Call[] = [];
  readonly gate = new Gate();
  readonly arrivals = new Arrivals();
  running = 0;
  maxRunning = 0;
  timeoutReason: unknown;

  private record(handler: string, items: Item[], messages: readonly MQReceivedMessage[]): void {
    this.calls.push({
      handler,
      ns: items.map((i) => i.n),
      ids: messages.map((m) => m.messageId),
      attempts: messages.map((m) => m.consumedTimes),
    });
  }

  of(handler: string): Call[] {
    return this.calls.filter((c) => c.handler === handler);
  }

  /** Undecorated: (payloads, messages, ctx). */
  @MQConsumer('bh-ok', GROUP, { batch: true, autoStart: false })
  ok(items: Item[], messages: MQReceivedMessage[], ctx: MQBatchContext) {
    this.record('ok', items, messages);
    this.seen = {
      size: ctx.size,
      sameMessages: ctx.messages === messages,
      contextIds: ctx.contexts.map((c) => c.messageId),
      sharedSignal: ctx.contexts.every((c) => c.signal === ctx.signal),
      where: [ctx.consumer, ctx.topic, ctx.group],
    };
  }

  seen: Record<string, unknown> = {};

  @MQConsumer('bh-fail', GROUP, { batch: true, autoStart: false })
  fail(items: Item[], messages: MQReceivedMessage[]) {
    this.record('fail', items, messages);
    if (messages[0]!.consumedTimes === 1) throw new Error('bulk insert failed');
  }

  /** Marks the even items done (by index, message id and message), then fails on the odd ones. */
  @MQConsumer('bh-partial', GROUP, { batch: true, autoStart: false })
  partial(
    @MQPayload() items: Item[],
    @MQMessage() messages: MQReceivedMessage[],
    @MQCtx() ctx: MQBatchContext,
  ) {
    this.record('partial', items, messages);
    items.forEach((item, i) => {
      if (item.n % 2 !== 0) return;
      if (item.n === 0) ctx.markDone(i);
      else if (item.n === 2) ctx.markDone(messages[i]!.messageId);
      else ctx.markDone(messages[i]!);
    });
    try {
      ctx.markDone(messages.length);
    } catch (error) {
      this.outOfRange ??= error;
    }
    if (items.some((item, i) => item.n % 2 !== 0 && messages[i]!.consumedTimes === 1)) {
      throw new Error('odd items failed');
    }
  }

  outOfRange: unknown;

  @MQConsumer('bh-undecodable', GROUP, { batch: true, autoStart: false })
  undecodable(items: Item[], messages: MQReceivedMessage[]) {
    this.record('undecodable', items, messages);
  }

  /** @MQPayload('n') picks the property of every payload. */
  @MQConsumer('bh-pick', GROUP, { batch: true, autoStart: false })
  pick(@MQPayload('n') ns: number[], @MQMessage() messages: MQReceivedMessage[]) {
    this.record(
      'pick',
      ns.map((n) => ({ n })),
      messages,
    );
  }

  /** Attempts beyond 1 go to `park` one by one; the rest forms the batch. */
  @MQConsumer('bh-exhaust', GROUP, {
    batch: true,
    autoStart: false,
    maxAttempts: 1,
    onExhausted: 'park',
  })
  exhaust(items: Item[], messages: MQReceivedMessage[]) {
    this.record('exhaust', items, messages);
    if (items.some((item) => item.n === 1)) throw new Error('item 1 fails');
  }

  readonly parked: number[] = [];
  park(message: MQReceivedMessage) {
    this.parked.push((JSON.parse(message.body) as Item).n);
  }

  /** Never returns by itself: the batch times out, its marked message is still acked. */
  @MQConsumer('bh-timeout', GROUP, { batch: true, autoStart: false, handlerTimeoutMs: 30 })
  async timeout(items: Item[], _messages: unknown, ctx: MQBatchContext) {
    this.record('timeout', items, ctx.messages);
    ctx.markDone(0);
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    this.timeoutReason = ctx.signal.reason;
    ctx.markDone(1); // too late: the batch has settled
  }

  /** 6 slots, polls of at most 4: a batch never holds more messages than free slots. */
  @MQConsumer('bh-slots', GROUP, { batch: true, autoStart: false, concurrency: 6, batchSize: 4 })
  async slots(items: Item[], messages: MQReceivedMessage[]) {
    this.record('slots', items, messages);
    this.running += items.length;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.arrivals.arrive();
    await this.gate.opened;
    this.running -= items.length;
  }
}

@Module({ providers: [BatchConsumers] })
class BatchModule {}

describe.each(TRANSPORTS)('batch consumers on %s', (transport) => {
  let mq: MQTestingHarness;
  let consumer: BatchConsumers;
  /** HTTP: a failed message comes back at the end of its 5 min window; gRPC: after its backoff. */
  const comesBack = transport === 'grpc' ? 1_000 : 300_000;

  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [BatchModule] }, { configure: quiet, transport });
    consumer = mq.moduleRef.get(BatchConsumers);
  });
  afterAll(() => mq.close());

  async function publish(topic: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) ids.push((await mq.producer.publish(topic, { n })).messageId);
    return ids;
  }

  it('hands one poll to the handler at once; success acks every message, with per-message events', async () => {
    const ids = await publish('bh-ok', 5);
    mq.registry.start('BatchConsumers.ok');
    await mq.waitForMany('message.acked', 5, (e) => ids.includes(e.messageId));
    expect(consumer.of('ok')).toEqual([
      { handler: 'ok', ns: [0, 1, 2, 3, 4], ids, attempts: [1, 1, 1, 1, 1] },
    ]);
    const mine = (type: string) =>
      mq.events.filter(
        (e) => e.type === type && ids.includes((e as { messageId: string }).messageId),
      );
    expect(consumer.seen).toEqual({
      size: 5,
      sameMessages: true,
      contextIds: ids,
      sharedSignal: true,
      where: ['BatchConsumers.ok', 'bh-ok', GROUP],
    });
    expect(mine('message.received')).toHaveLength(5);
    expect(mine('message.succeeded')).toHaveLength(5);
    expect(groupState(mq.emulator, 'bh-ok', GROUP)).toEqual({ ready: 0, inflight: 0 });
  });

  it('a failed batch acks nothing; every message comes back and is retried', async () => {
    const ids = await publish('bh-fail', 3);
    mq.registry.start('BatchConsumers.fail');
    const failed = await mq.waitForMany('message.failed', 3, (e) => ids.includes(e.messageId));
    expect(failed.map((e) => (e.error as Error).message)).toEqual(
      Array(3).fill('bulk insert failed'),
    );
    if (transport === 'grpc') {
      const nacked = await mq.waitForMany('message.nacked', 3, (e) => ids.includes(e.messageId));
      expect(nacked.map((e) => e.retryInMs)).toEqual([1_000, 1_000, 1_000]);
    }
    expect(mq.events.some((e) => e.type === 'message.acked' && ids.includes(e.messageId))).toBe(
      false,
    );
    expect(groupState(mq.emulator, 'bh-fail', GROUP)).toEqual({ ready: 0, inflight: 3 });
    mq.advance(comesBack);
    await mq.waitForMany('message.acked', 3, (e) => ids.includes(e.messageId));
    const [first, ...retries] = consumer.of('fail');
    expect(first!.attempts).toEqual([1, 1, 1]);
    expect(retries.flatMap((c) => c.attempts)).toEqual([2, 2, 2]);
    expect(retries.flatMap((c) => c.ns).sort()).toEqual([0, 1, 2]);
  });

  it('a failed batch acks the messages marked done; the rest comes back', async () => {
    const ids = await publish('bh-partial', 6);
    mq.registry.start('BatchConsumers.partial');
    const even = [ids[0], ids[2], ids[4]];
    const odd = [ids[1], ids[3], ids[5]];
    const acked = await mq.waitForMany('message.acked', 3, (e) => ids.includes(e.messageId));
    expect(acked.map((e) => e.messageId).sort()).toEqual([...even].sort());
    const failed = await mq.waitForMany('message.failed', 3, (e) => ids.includes(e.messageId));
    expect(failed.map((e) => e.messageId).sort()).toEqual([...odd].sort());
    if (transport === 'grpc') {
      await mq.waitForMany('message.nacked', 3, (e) => odd.includes(e.messageId));
    }
    expect(groupState(mq.emulator, 'bh-partial', GROUP)).toEqual({ ready: 0, inflight: 3 });
    mq.advance(comesBack);
    await mq.waitForMany('message.acked', 6, (e) => ids.includes(e.messageId));
    // The broker may hand the returning messages back in one poll or several.
    const retries = consumer.of('partial').slice(1);
    expect(retries.flatMap((c) => c.ns).sort()).toEqual([1, 3, 5]);
    expect(retries.flatMap((c) => c.attempts)).toEqual([2, 2, 2]);
    expect((consumer.outOfRange as Error).message).toBe(
      'MQBatchContext: 6 is not in this batch of 6 (pass a message, its messageId or its index)',
    );
  });

  it('one body that cannot be deserialized makes the batch invalid (onInvalidMessage for all)', async () => {
    const ids = await publish('bh-undecodable', 2);
    ids.push((await mq.producer.publish('bh-undecodable', '{not json')).messageId);
    mq.registry.start('BatchConsumers.undecodable');
    const failed = await mq.waitForMany('message.failed', 3, (e) => ids.includes(e.messageId));
    for (const event of failed) {
      const error = event.error as MQDeliveryRejectedError;
      expect(error.reason).toBe('invalid');
      expect(error.cause).toBeInstanceOf(MQInvalidMessageError);
      expect((error.cause as MQInvalidMessageError).messageId).toBe(ids[2]);
    }
    expect(consumer.of('undecodable')).toEqual([]);
    expect(groupState(mq.emulator, 'bh-undecodable', GROUP)).toEqual({ ready: 0, inflight: 3 });
  });

  it("@MQPayload('n') gives the property of every payload", async () => {
    const ids = await publish('bh-pick', 3);
    mq.registry.start('BatchConsumers.pick');
    await mq.waitForMany('message.acked', 3, (e) => ids.includes(e.messageId));
    expect(consumer.of('pick')[0]!.ns).toEqual([0, 1, 2]);
  });

  it('messages over maxAttempts go to onExhausted one by one, before the batch is formed', async () => {
    const ids = await publish('bh-exhaust', 3);
    mq.registry.start('BatchConsumers.exhaust');
    await mq.waitForMany('message.failed', 3, (e) => ids.includes(e.messageId));
    if (transport === 'grpc') {
      await mq.waitForMany('message.nacked', 3, (e) => ids.includes(e.messageId));
    }
    mq.advance(comesBack);
    await mq.waitForMany('message.exhausted', 3, (e) => ids.includes(e.messageId));
    await mq.waitForMany('message.acked', 3, (e) => ids.includes(e.messageId));
    // The second delivery (attempt 2 > maxAttempts 1) never reached the batch handler.
    expect(consumer.of('exhaust').map((c) => c.ns)).toEqual([[0, 1, 2]]);
    expect(consumer.parked.sort()).toEqual([0, 1, 2]);
    expect(groupState(mq.emulator, 'bh-exhaust', GROUP)).toEqual({ ready: 0, inflight: 0 });
  });

  it('handlerTimeoutMs applies to the batch: its signal aborts, marked messages are acked, the rest is not', async () => {
    const ids = await publish('bh-timeout', 3);
    mq.registry.start('BatchConsumers.timeout');
    const failed = await mq.waitForMany('message.failed', 2, (e) => ids.includes(e.messageId));
    const acked = await mq.waitFor('message.acked', (e) => ids.includes(e.messageId));
    expect(acked.messageId).toBe(ids[0]);
    expect(failed.map((e) => e.messageId).sort()).toEqual([ids[1], ids[2]].sort());
    const error = failed[0]!.error as MQBatchTimeoutError;
    expect(error).toBeInstanceOf(MQBatchTimeoutError);
    expect(error).toBeInstanceOf(MQHandlerTimeoutError);
    expect(error.messageIds).toEqual(ids);
    await mq.registry.stop('BatchConsumers.timeout');
    expect(consumer.timeoutReason).toBe(error);
    // Timed out: not handed back (the handler may still run), not acked: its window runs out.
    expect(groupState(mq.emulator, 'bh-timeout', GROUP)).toEqual({ ready: 0, inflight: 2 });
    expect(mq.events.some((e) => e.type === 'message.nacked' && ids.includes(e.messageId))).toBe(
      false,
    );
  });

  it('never fetches more than free slots: batches hold at most `concurrency` messages', async () => {
    const ids = await publish('bh-slots', 10);
    mq.registry.start('BatchConsumers.slots');
    await consumer.arrivals.reached(2);
    // A batch of 4 (batchSize), then one of the 2 slots left; the other 4 messages wait in the
    // broker, not in a local buffer, while every slot is taken.
    expect(consumer.of('slots').map((c) => c.ns.length)).toEqual([4, 2]);
    expect(groupState(mq.emulator, 'bh-slots', GROUP)).toEqual({ ready: 4, inflight: 6 });
    expect(mq.registry.get('BatchConsumers.slots')).toMatchObject({ inFlight: 6 });
    consumer.gate.open();
    await mq.waitForMany('message.acked', 10, (e) => ids.includes(e.messageId));
    const calls = consumer.of('slots');
    expect(calls.every((c) => c.ns.length <= 4)).toBe(true);
    expect(calls.flatMap((c) => c.ns).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(consumer.maxRunning).toBe(6);
  });
});
