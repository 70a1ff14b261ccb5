import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, T0, type Harness } from './broker.fixture.js';

describe('Broker tag filters', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('matches exact, case-sensitive tags, any of a list, and * or no filter as all', async () => {
    h = harness();
    const a = h.publish('orders', 'a', { tag: 'A' });
    const b = h.publish('orders', 'b', { tag: 'B' });
    const lower = h.publish('orders', 'lower-a', { tag: 'a' });
    const none = h.publish('orders', 'untagged');
    expect((await h.consume('G1', { tags: ['A'] })).map((m) => m.messageId)).toEqual([a]);
    expect((await h.consume('G2', { tags: ['A', 'B'] })).map((m) => m.messageId)).toEqual([a, b]);
    expect((await h.consume('G3', { tags: ['*'] })).map((m) => m.messageId)).toEqual([
      a,
      b,
      lower,
      none,
    ]);
    expect((await h.consume('G4')).map((m) => m.messageId)).toEqual([a, b, lower, none]);
  });

  it('leaves non-matching messages for differently filtered requests of the same group', async () => {
    h = harness();
    const a = h.publish('orders', 'a', { tag: 'A' });
    const b = h.publish('orders', 'b', { tag: 'B' });
    expect((await h.consume('G', { tags: ['B'] })).map((m) => m.messageId)).toEqual([b]);
    expect(await h.consume('G', { tags: ['B'] })).toEqual([]);
    expect((await h.consume('G', { tags: ['A'] })).map((m) => m.messageId)).toEqual([a]);
    expect(await h.consume('G')).toEqual([]);
  });
});

describe('Broker timer messages and retention', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('keeps a timer message invisible to every group until exactly __STARTDELIVERTIME', async () => {
    h = harness();
    const at = T0 + 3_600_000;
    const id = h.publish('orders', 'later', { props: { __STARTDELIVERTIME: String(at) } });
    expect(await h.consume('G')).toEqual([]);
    expect(h.broker.admin.peek({ topic: 'orders' })).toMatchObject([
      { messageId: id, state: 'delayed', nextConsumeTime: at },
    ]);
    h.clock.setTime(at - 1);
    expect(await h.consume('G')).toEqual([]);
    h.clock.setTime(at);
    const [m] = await h.consume('G');
    expect(m).toMatchObject({ messageId: id, firstConsumeTime: at, publishTime: T0 });
    expect((await h.consume('OTHER')).map((x) => x.messageId)).toEqual([id]);
  });

  it('delivers a timer message with a past time immediately', async () => {
    h = harness();
    const id = h.publish('orders', 'past', { props: { __STARTDELIVERTIME: String(T0 - 5000) } });
    expect((await h.consume('G')).map((m) => m.messageId)).toEqual([id]);
  });

  it('drops messages after retention (timer messages counted from their delivery time)', async () => {
    h = harness({ timings: { retentionMs: 1000 } });
    const normal = h.publish('orders', 'n');
    const timer = h.publish('orders', 't', { props: { __STARTDELIVERTIME: String(T0 + 500) } });
    h.clock.advance(1000);
    // The normal message is gone before any group saw it; the timer one lives until T0+1500.
    expect((await h.consume('G', { max: 16 })).map((m) => m.messageId)).toEqual([timer]);
    expect(h.broker.admin.topics()[0]!.messages).toBe(1);
    h.clock.advance(500);
    expect(h.broker.admin.topics()[0]!.messages).toBe(0);
    expect(await h.consume('G2')).toEqual([]);
    expect(normal).not.toBe(timer);
  });

  it('a delivery of a message dropped by retention can no longer be acked', async () => {
    h = harness({ timings: { retentionMs: 1000, invisibilityMs: 5000 } });
    h.publish('orders', 'n');
    const [m] = await h.consume('G');
    h.clock.advance(1000);
    expect(h.broker.ack('', 'orders', 'G', [m!.receiptHandle])).toHaveLength(1);
    h.clock.advance(10_000);
    expect(await h.consume('G')).toEqual([]);
  });
});
