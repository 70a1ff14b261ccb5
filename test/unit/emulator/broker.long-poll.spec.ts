import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, T0, type Harness } from './broker.fixture.js';

const LONG = 30_000; // never reached in these tests: the wake-up must come from the event

function timeoutCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('Broker long polls wake on every event that makes a message deliverable', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('wakes on publish', async () => {
    h = harness();
    const pending = h.consume('G', { wait: LONG });
    const id = h.publish('orders', 'x');
    expect((await pending).map((m) => m.messageId)).toEqual([id]);
  });

  it('wakes only waiters whose filter matches', async () => {
    h = harness();
    const forB = h.consume('G', { wait: LONG, tags: ['B'] });
    const forA = h.consume('G', { wait: LONG, tags: ['A'] });
    const a = h.publish('orders', 'a', { tag: 'A' });
    expect((await forA).map((m) => m.messageId)).toEqual([a]);
    const b = h.publish('orders', 'b', { tag: 'B' });
    expect((await forB).map((m) => m.messageId)).toEqual([b]);
  });

  it('wakes when a timer message comes due (virtual clock advance)', async () => {
    h = harness();
    const id = h.publish('orders', 't', { props: { __STARTDELIVERTIME: String(T0 + 90_000) } });
    const pending = h.consume('G', { wait: LONG });
    h.clock.advance(90_000);
    expect((await pending).map((m) => m.messageId)).toEqual([id]);
  });

  it('wakes on redelivery when a delivery expires', async () => {
    h = harness();
    const id = h.publish('orders', 'x');
    await h.consume('G');
    const pending = h.consume('G', { wait: LONG });
    h.clock.advance(300_000);
    const [m] = await pending;
    expect(m).toMatchObject({ messageId: id, consumedTimes: 2 });
  });

  it('wakes consumers on commit', async () => {
    h = harness();
    const r = h.broker.publish('', 'orders', {
      body: 'tx',
      properties: new Map([['__TransCheckT', '10']]),
    });
    const pending = h.consume('G', { wait: LONG });
    h.broker.commit('', 'orders', 'GID_p', r.receiptHandle!);
    expect((await pending).map((m) => m.messageId)).toEqual([r.messageId]);
  });

  it('wakes an orderly consumer when its partition is unlocked by an ack', async () => {
    h = harness();
    h.publish('orders', 'a1', { props: { __SHARDINGKEY: 'p' } });
    h.publish('orders', 'a2', { props: { __SHARDINGKEY: 'p' } });
    const [first] = await h.consume('G', { kind: 'orderly', max: 1 });
    const pending = h.consume('G', { kind: 'orderly', wait: LONG });
    h.broker.ack('', 'orders', 'G', [first!.receiptHandle]);
    expect((await pending).map((m) => m.body)).toEqual(['a2']);
  });

  it('wakes a trans=pop consumer when a half check comes due', async () => {
    h = harness();
    const r = h.broker.publish('', 'orders', {
      body: 'tx',
      properties: new Map([['__TransCheckT', '10']]),
    });
    const pending = h.consume('GID_p', { kind: 'half', wait: LONG });
    h.clock.advance(10_000);
    const [m] = await pending;
    expect(m).toMatchObject({ messageId: r.messageId, consumedTimes: 1 });
    // and again when that check's invisibility ends unresolved
    const again = h.consume('GID_p', { kind: 'half', wait: LONG });
    h.clock.advance(10_000);
    expect((await again)[0]).toMatchObject({ messageId: r.messageId, consumedTimes: 2 });
  });

  it('returns [] when a short real-time wait ends with nothing deliverable', async () => {
    h = harness();
    await expect(h.consume('G', { wait: 50 })).resolves.toEqual([]);
  });

  it('abort removes the waiter and resolves []', async () => {
    h = harness();
    const ac = new AbortController();
    const pending = h.consume('G', { wait: LONG, signal: ac.signal });
    ac.abort();
    await expect(pending).resolves.toEqual([]);
    // The aborted waiter does not swallow the next message.
    const id = h.publish('orders', 'x');
    expect((await h.consume('G')).map((m) => m.messageId)).toEqual([id]);
  });

  it('parks 1,000 waiters on one shared timer and resolves them all [] at their deadline', async () => {
    h = harness();
    const before = timeoutCount();
    const polls = Array.from({ length: 1000 }, (_, i) =>
      h.consume(`G${i % 10}`, { wait: 100 + (i % 7) }),
    );
    expect(timeoutCount() - before).toBeLessThanOrEqual(1);
    const results = await Promise.all(polls);
    expect(results.every((r) => r.length === 0)).toBe(true);
    expect(timeoutCount()).toBeLessThanOrEqual(before);
  });

  it('serves 100 waiters of one group one message each', async () => {
    h = harness();
    const polls = Array.from({ length: 100 }, () => h.consume('G', { wait: LONG, max: 1 }));
    const ids = Array.from({ length: 100 }, (_, i) => h.publish('orders', `m${i}`));
    const got = (await Promise.all(polls)).map((r) => r.map((m) => m.messageId));
    expect(got).toEqual(ids.map((id) => [id]));
  });

  it('reset keeps waiters waiting; they are served by the next publish; close resolves []', async () => {
    h = harness();
    h.publish('orders', 'old');
    await h.consume('G');
    const pending = h.consume('G', { wait: LONG });
    h.broker.admin.reset();
    expect(h.broker.admin.peek({ topic: 'orders' })).toEqual([]);
    const id = h.publish('orders', 'new');
    expect((await pending).map((m) => m.messageId)).toEqual([id]);
    const last = h.consume('G', { wait: LONG });
    await h.broker.close();
    await expect(last).resolves.toEqual([]);
  });
});
