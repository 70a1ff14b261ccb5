import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import {
  MQBatchDrainTimeoutError,
  MQConsumer,
  MQDrainTimeoutError,
  type MQBatchContext,
  type MQReceivedMessage,
} from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { Arrivals, Gate, until } from './fixtures/gate.js';
import { quiet } from './fixtures/quiet.js';
import { TRANSPORTS } from './fixtures/transports.js';

@Injectable()
class BusyBatches {
  readonly gate = new Gate();
  readonly arrivals = new Arrivals();
  readonly finished: number[][] = [];
  readonly aborted: unknown[] = [];

  /** Marks its first message done, then waits for the gate or its signal. */
  @MQConsumer('bl-work', 'GID_bl', {
    batch: true,
    concurrency: 4,
    batchSize: 4,
    autoStart: false,
    name: 'bulk',
  })
  async handle(items: { n: number }[], _messages: unknown, ctx: MQBatchContext) {
    this.arrivals.arrive();
    ctx.markDone(0);
    await Promise.race([
      this.gate.opened,
      new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => {
          this.aborted.push(ctx.signal.reason);
          resolve();
        }),
      ),
    ]);
    if (!ctx.signal.aborted) this.finished.push(items.map((i) => i.n));
  }
}

@Module({ providers: [BusyBatches] })
class BusyModule {}

describe.each(TRANSPORTS)('batch consumers and shutdown on %s', (transport) => {
  async function start(drainTimeoutMs?: number): Promise<MQTestingHarness> {
    const mq = await createMQTestingModule(
      { imports: [BusyModule] },
      {
        configure: quiet,
        transport,
        ...(drainTimeoutMs !== undefined && { module: { shutdown: { drainTimeoutMs } } }),
      },
    );
    for (let n = 0; n < 10; n++) await mq.producer.publish('bl-work', { n });
    mq.registry.start('bulk');
    return mq;
  }

  it('close() drains: the running batch finishes and is acked, the rest stays in the broker', async () => {
    const mq = await start();
    const consumer = mq.moduleRef.get(BusyBatches);
    await consumer.arrivals.reached(1);
    const closing = mq.moduleRef.close();
    await until(() => mq.registry.get('bulk')!.status === 'stopping');
    consumer.gate.open();
    await closing;
    expect(consumer.finished).toEqual([[0, 1, 2, 3]]);
    expect(consumer.arrivals.total).toBe(1);
    const acked = mq.events.filter((e) => e.type === 'message.acked' && e.consumer === 'bulk');
    expect(acked).toHaveLength(4);
    expect(groupState(mq.emulator, 'bl-work', 'GID_bl')).toEqual({ ready: 6, inflight: 0 });
    await mq.close();
  });

  it('at the drain deadline the batch is abandoned: one abort, its marked message acked, the rest not', async () => {
    const mq = await start(50);
    const consumer = mq.moduleRef.get(BusyBatches);
    await consumer.arrivals.reached(1);
    await mq.moduleRef.close();
    expect(consumer.aborted).toHaveLength(1);
    const reason = consumer.aborted[0] as MQBatchDrainTimeoutError;
    expect(reason).toBeInstanceOf(MQBatchDrainTimeoutError);
    expect(reason).toBeInstanceOf(MQDrainTimeoutError);
    expect(reason.messageIds).toHaveLength(4);
    const mine = mq.events.filter((e) => e.consumer === 'bulk');
    expect(mine.filter((e) => e.type === 'message.acked')).toHaveLength(1);
    const failed = mine.filter((e) => e.type === 'message.failed');
    expect(failed).toHaveLength(3);
    expect(failed.every((e) => 'error' in e && e.error === reason)).toBe(true);
    expect(groupState(mq.emulator, 'bl-work', 'GID_bl')).toEqual({ ready: 6, inflight: 3 });
    await mq.close();
  });
});

interface Step {
  key: string;
  seq: number;
}

/** One batch per sharding key: A fails on its first delivery after marking A1 and A3 done. */
@Injectable()
class OrderlyBatches {
  readonly batches: string[][] = [];

  @MQConsumer('bl-ledger', 'GID_bl_ord', { batch: true, orderly: true, autoStart: false })
  apply(steps: Step[], messages: MQReceivedMessage[], ctx: MQBatchContext) {
    this.batches.push(steps.map((s, i) => `${s.key}${s.seq}#${messages[i]!.consumedTimes}`));
    if (steps[0]!.key !== 'A' || messages[0]!.consumedTimes > 1) return;
    ctx.markDone(0, 2); // A1 and A3: only the prefix (A1) may be acked, A2 failed
    throw new Error('A2 fails once');
  }
}

/** Orderly, maxAttempts 1: the second delivery goes to `park`, which fails once. */
@Injectable()
class ExhaustingBatches {
  readonly batches: string[][] = [];
  readonly parked: string[] = [];

  @MQConsumer('bl-ledger-x', 'GID_bl_ord_x', {
    batch: true,
    orderly: true,
    autoStart: false,
    maxAttempts: 1,
    onExhausted: 'park',
  })
  apply(steps: Step[], messages: MQReceivedMessage[]) {
    this.batches.push(steps.map((s, i) => `${s.key}${s.seq}#${messages[i]!.consumedTimes}`));
    throw new Error('the batch fails');
  }

  park(message: MQReceivedMessage) {
    const step = JSON.parse(message.body) as Step;
    this.parked.push(`${step.key}${step.seq}#${message.consumedTimes}`);
    if (this.parked.length === 1) throw new Error('parking failed once');
  }
}

@Module({ providers: [OrderlyBatches, ExhaustingBatches] })
class OrderlyModule {}

describe.each(TRANSPORTS)('orderly batch consumer on %s', (transport) => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [OrderlyModule] },
      {
        configure: quiet,
        transport,
        emulator: {
          topics: [
            { name: 'bl-ledger', type: 'orderly' },
            { name: 'bl-ledger-x', type: 'orderly' },
          ],
          groups: [
            { id: 'GID_bl_ord', fifo: true },
            { id: 'GID_bl_ord_x', fifo: true },
          ],
        },
      },
    );
  });
  afterAll(() => mq.close());

  it('one batch per sharding key in order; a failure acks the marked prefix, the rest comes back in order', async () => {
    const ids: string[] = [];
    for (const key of ['A', 'B']) {
      for (let seq = 1; seq <= 3; seq++) {
        ids.push(
          (await mq.producer.publish('bl-ledger', { key, seq }, { shardingKey: key })).messageId,
        );
      }
    }
    mq.registry.start('OrderlyBatches.apply');
    await mq.waitForMany('message.failed', 2, (e) => ids.includes(e.messageId));
    await mq.waitForMany('message.acked', 4, (e) => ids.includes(e.messageId));
    const consumer = mq.moduleRef.get(OrderlyBatches);
    expect([...consumer.batches].sort()).toEqual([
      ['A1#1', 'A2#1', 'A3#1'],
      ['B1#1', 'B2#1', 'B3#1'],
    ]);
    const acked = mq.events.filter((e) => e.type === 'message.acked').map((e) => e.messageId);
    expect(acked.sort()).toEqual([ids[0], ids[3], ids[4], ids[5]].sort());
    if (transport === 'grpc') {
      // A2 and A3 handed back together, with A2's backoff.
      const nacked = await mq.waitForMany('message.nacked', 2, (e) => ids.includes(e.messageId));
      expect(nacked.map((e) => [e.messageId, e.retryInMs])).toEqual([
        [ids[1], 1_000],
        [ids[2], 1_000],
      ]);
      mq.advance(1_000);
    } else {
      mq.advance(60_000); // the orderly invisibility window
    }
    await mq.waitForMany('message.acked', 6, (e) => ids.includes(e.messageId));
    expect(consumer.batches.at(-1)).toEqual(['A2#2', 'A3#2']);
  });

  it('exhausted messages of a key go to onExhausted one at a time first; a failing hook stops the key', async () => {
    const ids: string[] = [];
    for (let seq = 1; seq <= 2; seq++) {
      ids.push(
        (await mq.producer.publish('bl-ledger-x', { key: 'A', seq }, { shardingKey: 'A' }))
          .messageId,
      );
    }
    mq.registry.start('ExhaustingBatches.apply');
    /** Waits until both are settled with the broker, then moves past their wait. */
    const comeBack = async (attempt: number) => {
      if (transport === 'grpc') {
        const nacked = await mq.waitForMany(
          'message.nacked',
          2,
          (e) => ids.includes(e.messageId) && e.attempt === attempt,
        );
        mq.advance(nacked[0]!.retryInMs);
      } else {
        mq.advance(60_000);
      }
    };
    await mq.waitForMany('message.failed', 2, (e) => ids.includes(e.messageId));
    await comeBack(1);
    // Attempt 2: A1's hook fails, so A2 is not started (handed back with A1, in order).
    await mq.waitFor('message.exhausted', (e) => e.messageId === ids[0] && e.attempt === 2);
    await comeBack(2);
    await mq.waitForMany('message.acked', 2, (e) => ids.includes(e.messageId));
    const consumer = mq.moduleRef.get(ExhaustingBatches);
    expect(consumer.batches).toEqual([['A1#1', 'A2#1']]);
    expect(consumer.parked).toEqual(['A1#2', 'A1#3', 'A2#3']);
  });
});
