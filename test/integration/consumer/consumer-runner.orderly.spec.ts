/**
 * Orderly consumption (trans=order): per sharding key in order and one at a time, keys in
 * parallel, the first failure stops its key and only the successful prefix is acked.
 */
import { describe, expect, it } from '@jest/globals';
import {
  consumerOptions,
  gate,
  groupStats,
  untilParked,
  useRunnerHarness,
} from './consumer.harness.js';

/** Invisibility of an orderly delivery (PROTOCOL.md §7.4). */
const ORDERLY_INVISIBILITY_MS = 60_000;
const topic = 'T_order';

describe('ConsumerRunner — orderly', () => {
  const t = useRunnerHarness({ topics: [{ name: topic, type: 'orderly' }] });

  it('keeps per-key order, runs keys in parallel, stops a key at its first failure and acks only the prefix', async () => {
    const { h, conditions, events } = t;
    const group = 'GID_order';
    // Interleaved publish of two keys.
    const plan: [string, string][] = [
      ['A', 'a1'],
      ['B', 'b1'],
      ['A', 'a2'],
      ['B', 'b2'],
      ['A', 'a3'],
      ['B', 'b3'],
      ['A', 'a4'],
    ];
    for (const [key, body] of plan) {
      await h.client.publish(topic, { body, shardingKey: key });
    }

    const seen: string[] = [];
    const runningPerKey = new Map<string, number>();
    const overlaps: string[] = [];
    // a1 blocks until all of B is through: proves B flows while A is busy.
    const bDone = gate<void>();
    let a2Failures = 0;

    const runner = t.createRunner(
      consumerOptions({ topic, group, orderly: true, concurrency: 8, batchSize: 16 }),
      {
        dispatch: async (message) => {
          const key = message.shardingKey!;
          const now = (runningPerKey.get(key) ?? 0) + 1;
          runningPerKey.set(key, now);
          if (now > 1) overlaps.push(message.body);
          seen.push(`${message.body}#${message.consumedTimes}`);
          try {
            if (message.body === 'a1') await bDone.promise;
            if (message.body === 'b3') bDone.open();
            if (message.body === 'a2' && a2Failures === 0) {
              a2Failures++;
              return { outcome: 'retry', error: new Error('a2 failed once') };
            }
            return { outcome: 'ack' };
          } finally {
            runningPerKey.set(key, runningPerKey.get(key)! - 1);
            conditions.poke();
          }
        },
      },
    );
    runner.start();

    // First pass: B complete, a1 acked, a2 failed, a3/a4 never dispatched.
    await events.waitFor('message.failed');
    await events.waitFor('message.acked', 4);
    await conditions.until(() => runner!.inFlight === 0, 'first pass done');
    const firstPass = seen.slice();
    expect(firstPass.filter((s) => s.startsWith('b'))).toEqual(['b1#1', 'b2#1', 'b3#1']);
    expect(firstPass.filter((s) => s.startsWith('a'))).toEqual(['a1#1', 'a2#1']);
    // B finished while a1 was still running.
    expect(firstPass.indexOf('b3#1')).toBeLessThan(firstPass.indexOf('a2#1'));
    expect(events.of('message.acked').map((e) => e.attempt)).toEqual([1, 1, 1, 1]);
    // a2, a3, a4 were delivered and are not acked: the partition stays locked.
    expect(groupStats(h.emulator, topic, group).inflight).toBe(3);

    // The broker redelivers the unacked rest of A, in order.
    h.emulator.admin.advance(ORDERLY_INVISIBILITY_MS);
    await events.waitFor('message.acked', 7);
    expect(seen.slice(firstPass.length)).toEqual(['a2#2', 'a3#2', 'a4#2']);
    expect(overlaps).toEqual([]);
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
  });

  it('never holds more fetched orderly messages than concurrency', async () => {
    const { h, conditions, events } = t;
    const group = 'GID_order_slots';
    for (let i = 0; i < 6; i++) {
      await h.client.publish(topic, { body: `k${i % 3}-${i}`, shardingKey: `k${i % 3}` });
    }
    const blocked: ReturnType<typeof gate<void>>[] = [];
    const runner = t.createRunner(
      consumerOptions({ topic, group, orderly: true, concurrency: 2, batchSize: 16 }),
      {
        dispatch: async () => {
          const g = gate<void>();
          blocked.push(g);
          conditions.poke();
          await g.promise;
          return { outcome: 'ack' };
        },
      },
    );
    runner.start();
    let acked = 0;
    while (acked < 6) {
      await conditions.until(
        () => blocked.length > 0 && events.count('message.acked') === acked,
        `handler blocked after ${acked} acks`,
        () => events.summary(),
      );
      // Messages fetched but not finished (running or queued behind their key) stay within slots.
      expect(runner.inFlight).toBeLessThanOrEqual(2);
      expect(groupStats(h.emulator, topic, group).inflight).toBeLessThanOrEqual(2);
      const opened = blocked.splice(0);
      for (const g of opened) g.open();
      acked += opened.length;
    }
    await events.waitFor('message.acked', 6);
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
  });
  it('on stop finishes the running message of a key and starts none of the rest', async () => {
    const { h, conditions, events } = t;
    const group = 'GID_order_stop';
    for (const body of ['s1', 's2', 's3']) {
      await h.client.publish(topic, { body, shardingKey: 'S' });
    }
    const first = gate<void>();
    const dispatched: string[] = [];
    const runner = t.createRunner(
      consumerOptions({ topic, group, orderly: true, concurrency: 4 }),
      {
        dispatch: async (message) => {
          dispatched.push(message.body);
          conditions.poke();
          if (message.body === 's1') await first.promise;
          return { outcome: 'ack' };
        },
      },
    );
    runner.start();
    await conditions.until(() => dispatched.length === 1, 's1 running');
    const stopping = runner.stop(60_000);
    first.open();
    await stopping;

    expect(dispatched).toEqual(['s1']);
    expect(events.of('message.acked')).toHaveLength(1);
    expect(runner.inFlight).toBe(0);
    // s2 and s3 were delivered with the batch and stay unacked: they come back in order.
    expect(groupStats(h.emulator, topic, group).inflight).toBe(2);
    // The stop cut the runner's last poll; the emulator lets go of it once it sees the client gone.
    await untilParked(h, (n) => n === 0, 'the aborted poll released');
    h.emulator.admin.advance(ORDERLY_INVISIBILITY_MS);
    const again = await h.client.consumeOrderly(topic, group, { numOfMessages: 16 });
    expect(again.map((m) => m.body)).toEqual(['s2', 's3']);
  });
});
