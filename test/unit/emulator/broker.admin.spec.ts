import { afterEach, describe, expect, it } from '@jest/globals';
import { harness, T0, type Harness } from './broker.fixture.js';

describe('Broker admin views', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('peek shows per-group state without delivering anything', async () => {
    h = harness();
    const a = h.publish('orders', 'a', { tag: 'T', props: { k: 'v' } });
    const b = h.publish('orders', 'b');
    const [got] = await h.consume('G', { max: 1 });
    const views = h.broker.admin.peek({ topic: 'orders', group: 'G' });
    expect(views).toEqual([
      {
        messageId: a,
        body: 'a',
        tag: 'T',
        properties: { k: 'v' },
        publishTime: T0,
        state: 'inflight',
        group: 'G',
        consumedTimes: 1,
        nextConsumeTime: T0 + 300_000,
        receiptHandle: got!.receiptHandle,
      },
      {
        messageId: b,
        body: 'b',
        properties: {},
        publishTime: T0,
        state: 'ready',
        group: 'G',
        consumedTimes: 0,
      },
    ]);
    expect(
      h.broker.admin.peek({ topic: 'orders', state: 'ready' }).map((v) => v.messageId),
    ).toEqual([b]);
    expect(h.broker.admin.peek({ topic: 'orders', limit: 1 })).toHaveLength(1);
    // Peeking twice changed nothing: the next consume gets b with ConsumedTimes 1.
    const [next] = await h.consume('G');
    expect(next).toMatchObject({ messageId: b, consumedTimes: 1 });
    h.broker.ack('', 'orders', 'G', [got!.receiptHandle]);
    expect(h.broker.admin.groups()[0]).toMatchObject({ ready: 0, inflight: 1 });
    expect(h.broker.admin.peek({ topic: 'nope' })).toEqual([]);
  });

  it('counts ready, inflight, delayed and dead letters per group; reset drops them all', async () => {
    h = harness({ timings: { maxRetries: 0 } });
    h.publish('orders', 'dlq');
    await h.consume('G', { max: 1 });
    h.clock.advance(300_000);
    h.publish('orders', 'r1');
    h.publish('orders', 'r2');
    h.publish('orders', 'later', { props: { __STARTDELIVERTIME: String(T0 + 10_000_000) } });
    await h.consume('G', { max: 1 });
    expect(h.broker.admin.groups()).toEqual([
      {
        instanceId: '',
        topic: 'orders',
        group: 'G',
        ready: 1,
        inflight: 1,
        delayed: 1,
        deadLetter: 1,
      },
    ]);
    expect(h.broker.admin.topics()).toEqual([
      { instanceId: '', topic: 'orders', type: 'any', messages: 4, delayed: 1, half: 0 },
    ]);
    expect(h.broker.admin.peek({ topic: 'orders', state: 'deadletter' })).toHaveLength(1);
    h.broker.admin.reset();
    expect(h.broker.admin.groups()).toEqual([
      {
        instanceId: '',
        topic: 'orders',
        group: 'G',
        ready: 0,
        inflight: 0,
        delayed: 0,
        deadLetter: 0,
      },
    ]);
    expect(h.broker.admin.deadLetters({ topic: 'orders', group: 'G' })).toEqual([]);
    h.clock.advance(20_000_000);
    expect(await h.consume('G')).toEqual([]);
  });
});
