import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, T0, type Harness } from './broker.fixture.js';

describe('Broker orderly consumption', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  const pub = (key: string | undefined, body: string): string =>
    h.publish('orders', body, { props: key === undefined ? {} : { __SHARDINGKEY: key } });
  const orderly = (max = 16) => h.consume('G', { kind: 'orderly', max });
  const bodies = (ms: { body: string }[]) => ms.map((m) => m.body);

  it('delivers each partition in publish order; a batch may span partitions', async () => {
    h = harness();
    pub('p1', 'a1');
    pub('p2', 'b1');
    pub('p1', 'a2');
    pub(undefined, 'z1');
    pub('p2', 'b2');
    const batch = await orderly();
    expect(batch.map((m) => m.nextConsumeTime)).toEqual(batch.map(() => T0 + 60_000));
    const byKey = new Map<string, string[]>();
    for (const b of bodies(batch)) {
      const k = b[0]!;
      byKey.set(k, [...(byKey.get(k) ?? []), b]);
    }
    expect(byKey).toEqual(
      new Map([
        ['a', ['a1', 'a2']],
        ['b', ['b1', 'b2']],
        ['z', ['z1']],
      ]),
    );
  });

  it('locks a partition until the whole delivered batch is acked; other partitions flow', async () => {
    h = harness();
    pub('p1', 'a1');
    pub('p1', 'a2');
    const first = await orderly();
    expect(bodies(first)).toEqual(['a1', 'a2']);
    pub('p1', 'a3');
    pub('p2', 'b1');
    // p1 is locked: a3 must wait; p2 flows.
    expect(bodies(await orderly())).toEqual(['b1']);
    expect(h.broker.ack('', 'orders', 'G', [first[0]!.receiptHandle])).toEqual([]);
    expect(await orderly()).toEqual([]);
    expect(h.broker.ack('', 'orders', 'G', [first[1]!.receiptHandle])).toEqual([]);
    expect(bodies(await orderly())).toEqual(['a3']);
  });

  it('after a partial ack only the unacked messages come back, and the partition stays locked', async () => {
    h = harness();
    pub('p1', 'a1');
    pub('p1', 'a2');
    pub('p1', 'a3');
    const first = await orderly(2);
    expect(bodies(first)).toEqual(['a1', 'a2']);
    h.broker.ack('', 'orders', 'G', [first[0]!.receiptHandle]);
    h.clock.advance(60_000);
    const again = await orderly();
    expect(again.map((m) => [m.body, m.consumedTimes])).toEqual([['a2', 2]]);
    expect(again[0]!.receiptHandle).not.toBe(first[1]!.receiptHandle);
    expect(await orderly()).toEqual([]);
    h.broker.ack('', 'orders', 'G', [again[0]!.receiptHandle]);
    expect(bodies(await orderly())).toEqual(['a3']);
  });

  it('dead-letters a poison message after maxRetries and unlocks its partition', async () => {
    h = harness({ timings: { maxRetries: 1 } });
    pub('p1', 'poison');
    pub('p1', 'next');
    expect(bodies(await orderly(1))).toEqual(['poison']);
    h.clock.advance(60_000);
    expect(bodies(await orderly(1))).toEqual(['poison']);
    h.clock.advance(60_000);
    expect(bodies(await orderly())).toEqual(['next']);
    expect(h.broker.admin.deadLetters({ topic: 'orders', group: 'G' })).toHaveLength(1);
  });
});
