/**
 * Broker semantics added for RocketMQ 5 fronts (protocol-neutral): client-chosen invisibility,
 * changing it, dead-lettering on request, ending transactions by message id, pushed checks,
 * producer-chosen message ids, FIFO groups, and their durability.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../lib/emulator/broker/broker.js';
import { BrokerError } from '../../../lib/emulator/broker/broker.errors.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import { LogStore } from '../../../lib/emulator/store/log.store.js';
import { DEFAULT_TIMINGS, harness, T0, type Harness } from './broker.fixture.js';

describe('Broker: RocketMQ 5 delivery control', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('uses the invisibility the consumer asks for, for normal and orderly consumes', async () => {
    h = harness();
    h.publish('orders', 'n');
    h.publish('orders', 'o', { props: { __SHARDINGKEY: 'g' } });
    const [normal] = await h.consume('G1', { invisibleMs: 15_000 });
    const [orderly] = await h.consume('G2', { kind: 'orderly', invisibleMs: 20_000, max: 1 });
    expect(normal!.nextConsumeTime).toBe(T0 + 15_000);
    expect(orderly!.nextConsumeTime).toBe(T0 + 20_000);
    h.clock.advance(15_000);
    const [again] = await h.consume('G1', { invisibleMs: 15_000, max: 1 });
    expect(again).toMatchObject({ messageId: normal!.messageId, consumedTimes: 2 });
    await expect(h.consume('G1', { invisibleMs: 0 })).rejects.toBeInstanceOf(BrokerError);
  });

  it('changes the invisibility of a delivery: new handle, old one dead, count unchanged', async () => {
    h = harness();
    const id = h.publish('orders', 'x');
    const [m] = await h.consume('G', { invisibleMs: 15_000 });
    h.clock.advance(5_000);
    const changed = h.broker.changeInvisibility('', 'orders', 'G', m!.receiptHandle, 60_000);
    expect(changed).toEqual({
      receiptHandle: expect.stringMatching(new RegExp(`^${id}-`)),
      nextConsumeTime: T0 + 65_000,
    });
    const handle = (changed as { receiptHandle: string }).receiptHandle;
    expect(handle).not.toBe(m!.receiptHandle);
    expect(h.broker.ack('', 'orders', 'G', [m!.receiptHandle])[0]!.code).toBe('MessageNotExist');
    h.clock.advance(59_999);
    expect(await h.consume('G')).toEqual([]);
    h.clock.advance(1);
    const [again] = await h.consume('G');
    expect(again).toMatchObject({ messageId: id, consumedTimes: 2, firstConsumeTime: T0 });
    // Not in flight any more: changing its old handle fails like an ack would.
    expect(h.broker.changeInvisibility('', 'orders', 'G', handle, 1_000)).toMatchObject({
      code: 'MessageNotExist',
    });
    expect(h.broker.changeInvisibility('', 'orders', 'G', 'garbage', 1_000)).toMatchObject({
      code: 'ReceiptHandleError',
    });
    // Another group's handle is not this group's.
    expect(
      h.broker.changeInvisibility('', 'orders', 'OTHER', again!.receiptHandle, 1_000),
    ).toMatchObject({ code: 'MessageNotExist' });
  });

  it('makes a message visible at once with 0 ms and wakes a parked long poll', async () => {
    h = harness();
    h.publish('orders', 'x');
    const [m] = await h.consume('G', { invisibleMs: 30_000 });
    const parked = h.consume('G', { wait: 10_000 });
    h.broker.changeInvisibility('', 'orders', 'G', m!.receiptHandle, 0);
    expect((await parked).map((d) => [d.messageId, d.consumedTimes])).toEqual([[m!.messageId, 2]]);
  });

  it('keeps an orderly partition locked across an invisibility change, and dead-letters on the last attempt', async () => {
    h = harness({ timings: { maxRetries: 1 } });
    h.publish('orders', 'a1', { props: { __SHARDINGKEY: 'a' } });
    h.publish('orders', 'a2', { props: { __SHARDINGKEY: 'a' } });
    const [a1] = await h.consume('G', { kind: 'orderly', max: 1, invisibleMs: 10_000 });
    const changed = h.broker.changeInvisibility('', 'orders', 'G', a1!.receiptHandle, 1_000) as {
      receiptHandle: string;
    };
    expect(await h.consume('G', { kind: 'orderly' })).toEqual([]);
    h.clock.advance(1_000);
    const [retry] = await h.consume('G', { kind: 'orderly', max: 1 });
    expect(retry).toMatchObject({ body: 'a1', consumedTimes: 2 });
    expect(changed.receiptHandle).not.toBe(retry!.receiptHandle);
    // Second attempt nacked with 0 ms: the last attempt is over, so the message is dead-lettered.
    h.broker.changeInvisibility('', 'orders', 'G', retry!.receiptHandle, 0);
    expect(h.broker.admin.deadLetters({ topic: 'orders', group: 'G' }).map((d) => d.body)).toEqual([
      'a1',
    ]);
    const [next] = await h.consume('G', { kind: 'orderly' });
    expect(next!.body).toBe('a2');
  });

  it('forwards a delivery to the dead-letter queue on request and unlocks its partition', async () => {
    h = harness();
    h.publish('orders', 'b1', { props: { __SHARDINGKEY: 'b' } });
    h.publish('orders', 'b2', { props: { __SHARDINGKEY: 'b' } });
    const [b1] = await h.consume('G', { kind: 'orderly', max: 1 });
    expect(h.broker.forwardToDeadLetter('', 'orders', 'G', b1!.receiptHandle)).toEqual([]);
    expect(h.broker.admin.deadLetters({ topic: 'orders', group: 'G' })).toMatchObject([
      { messageId: b1!.messageId, body: 'b1', consumedTimes: 1 },
    ]);
    const [b2] = await h.consume('G', { kind: 'orderly' });
    expect(b2!.body).toBe('b2');
    expect(h.broker.forwardToDeadLetter('', 'orders', 'G', b1!.receiptHandle)[0]!.code).toBe(
      'MessageNotExist',
    );
    h.clock.advance(3_600_000);
    expect((await h.consume('G', { kind: 'orderly' })).map((d) => d.body)).toEqual(['b2']);
  });

  it('ends a transaction by message id at any time; a second end finds nothing', async () => {
    h = harness();
    const half = (body: string) =>
      h.broker.publish('', 'tx', { body, properties: new Map([['__TransCheckT', '10']]) })
        .messageId;
    const committed = half('c');
    const rolledBack = half('r');
    // Long after the publish handle's immunity: a RocketMQ 5 producer may still commit.
    h.clock.advance(60_000);
    expect(h.broker.endTransaction('', 'tx', committed, 'commit')).toBe(true);
    expect(h.broker.endTransaction('', 'tx', rolledBack, 'rollback')).toBe(true);
    expect(h.broker.endTransaction('', 'tx', committed, 'rollback')).toBe(false);
    expect(h.broker.endTransaction('', 'tx', 'unknown', 'commit')).toBe(false);
    expect((await h.consume('G', { topic: 'tx' })).map((m) => m.body)).toEqual(['c']);
  });

  it('hands transaction checks to a topic-level poll without any group, waking it when due', async () => {
    h = harness();
    const id = h.broker.publish('', 'tx', {
      body: 'h',
      properties: new Map([['__TransCheckT', '10']]),
    }).messageId;
    const parked = h.broker.consumeChecks('', 'tx', 16, 10_000);
    h.clock.advance(10_000);
    const [check] = await parked;
    expect(check).toMatchObject({ messageId: id, body: 'h', consumedTimes: 1 });
    // One check in flight per message; it comes back after halfInvisibilityMs.
    expect(await h.broker.consumeChecks('', 'tx', 16, 0)).toEqual([]);
    h.clock.advance(10_000);
    expect((await h.broker.consumeChecks('', 'tx', 16, 0)).map((c) => c.consumedTimes)).toEqual([
      2,
    ]);
    expect(h.broker.admin.groups()).toEqual([]);
  });

  it('stores a producer-chosen message id once, and refuses ids that would break handles', async () => {
    h = harness();
    const doc = h.broker.publish('', 'orders', {
      body: 'x',
      properties: new Map(),
      messageId: 'CLIENT_ID_1',
    });
    expect(doc.messageId).toBe('CLIENT_ID_1');
    // A resend (e.g. after a timeout) is the same message.
    expect(
      h.broker.publish('', 'orders', {
        body: 'x',
        properties: new Map(),
        messageId: 'CLIENT_ID_1',
      }),
    ).toEqual(doc);
    expect((await h.consume('G')).map((m) => m.messageId)).toEqual(['CLIENT_ID_1']);
    for (const bad of ['', 'has-dash', 'x'.repeat(129), 'sp ace']) {
      expect(() =>
        h.broker.publish('', 'orders', { body: 'x', properties: new Map(), messageId: bad }),
      ).toThrow(BrokerError);
    }
  });

  it('knows declared FIFO groups and topic types; strict mode refuses unknown ones', () => {
    h = harness({
      autoCreate: false,
      topics: [{ name: 'fifo', type: 'orderly' }],
      groups: [{ id: 'GF', fifo: true }, { id: 'GN' }],
    });
    expect(h.broker.isFifoGroup('', 'GF')).toBe(true);
    expect(h.broker.isFifoGroup('', 'GN')).toBe(false);
    expect(h.broker.topicType('', 'fifo')).toBe('orderly');
    expect(() => h.broker.isFifoGroup('', 'nope')).toThrow(
      expect.objectContaining({ code: 'SubscriptionNotExist' }),
    );
    expect(() => h.broker.topicType('', 'nope')).toThrow(
      expect.objectContaining({ code: 'TopicNotExist' }),
    );
  });
});

describe('Broker: RocketMQ 5 delivery control survives a restart (durable log)', () => {
  it('replays an invisibility change and a forced dead letter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-rmq5-'));
    const clock = new VirtualClock(T0);
    const open = (): Broker =>
      new Broker({ clock, timings: DEFAULT_TIMINGS, autoCreate: true, store: new LogStore(dir) });
    try {
      let broker = open();
      broker.publish('', 'orders', { body: 'keep', properties: new Map(), messageId: 'KEEP' });
      broker.publish('', 'orders', { body: 'dead', properties: new Map(), messageId: 'DEAD' });
      const delivered = await broker.consume(
        { ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 16, invisibleMs: 15_000 },
        0,
      );
      const keep = delivered.find((m) => m.messageId === 'KEEP')!;
      const dead = delivered.find((m) => m.messageId === 'DEAD')!;
      const changed = broker.changeInvisibility('', 'orders', 'G', keep.receiptHandle, 120_000) as {
        receiptHandle: string;
      };
      expect(broker.forwardToDeadLetter('', 'orders', 'G', dead.receiptHandle)).toEqual([]);
      await broker.close();

      broker = open();
      expect(
        broker.admin.deadLetters({ topic: 'orders', group: 'G' }).map((m) => m.messageId),
      ).toEqual(['DEAD']);
      expect(broker.admin.peek({ topic: 'orders', group: 'G', state: 'inflight' })).toMatchObject([
        { messageId: 'KEEP', state: 'inflight', nextConsumeTime: T0 + 120_000, consumedTimes: 1 },
      ]);
      clock.advance(119_999);
      expect(
        await broker.consume({ ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 16 }, 0),
      ).toEqual([]);
      // The new handle still works after the restart.
      expect(broker.ack('', 'orders', 'G', [changed.receiptHandle])).toEqual([]);
      clock.advance(1);
      expect(
        await broker.consume({ ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 16 }, 0),
      ).toEqual([]);
      await broker.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
