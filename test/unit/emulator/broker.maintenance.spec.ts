/** Operator actions: purge a topic, resend or purge dead letters; durable across a restart. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import { LogStore } from '../../../lib/emulator/store/log.store.js';
import type { BrokerEvent } from '../../../lib/emulator/store/store.js';
import { DEFAULT_TIMINGS, harness, T0, type Harness } from './broker.fixture.js';

const FIVE_MIN = 300_000;

/** Delivers `id` to `group` until it is dead-lettered (maxRetries 1: two deliveries). */
async function deadLetter(h: Harness, group: string): Promise<void> {
  expect(await h.consume(group)).toHaveLength(1);
  h.clock.advance(FIVE_MIN);
  expect(await h.consume(group)).toHaveLength(1);
  h.clock.advance(FIVE_MIN);
  expect(await h.consume(group)).toHaveLength(0);
}

describe('Broker maintenance actions', () => {
  let h: Harness;
  afterEach(() => h.broker.close());

  it('purgeTopic drops ready, in-flight, timer and half messages; their handles are stale', async () => {
    h = harness();
    h.publish('orders', 'ready');
    h.publish('orders', 'inflight');
    h.publish('orders', 'timer', { props: { __STARTDELIVERTIME: String(T0 + 60_000) } });
    const half = h.broker.publish('', 'orders', {
      body: 'half',
      properties: new Map([['__TransCheckT', '10']]),
    });
    const [first] = await h.consume('G', { max: 1 });
    expect(h.broker.purgeTopic('', 'orders')).toBe(4);
    expect(h.broker.admin.peek({ topic: 'orders' })).toEqual([]);
    expect(h.broker.ack('', 'orders', 'G', [first!.receiptHandle])[0]!.code).toBe(
      'MessageNotExist',
    );
    expect(h.broker.commit('', 'orders', 'G', half.receiptHandle!)[0]!.code).toBe(
      'MessageNotExist',
    );
    h.clock.advance(24 * 3_600_000);
    expect(await h.consume('G')).toEqual([]);
    expect(await h.consume('G', { kind: 'half' })).toEqual([]);
    // The topic stays and works.
    h.publish('orders', 'after');
    expect((await h.consume('G')).map((m) => m.body)).toEqual(['after']);
    expect(() => h.broker.purgeTopic('', 'nope')).toThrow(/does not exist/);
  });

  it('resends a dead letter to its group only, with ConsumedTimes from 1 again', async () => {
    h = harness({ timings: { maxRetries: 1 } });
    const id = h.publish('orders', 'poison');
    expect(await h.consume('OTHER')).toHaveLength(1);
    await deadLetter(h, 'G');
    expect(h.broker.admin.deadLetters({ topic: 'orders', group: 'G' })).toHaveLength(1);

    const outcome = h.broker.resendDeadLetters('', 'orders', 'G');
    expect(outcome).toEqual({ resent: [id], failed: [] });
    expect(h.broker.admin.deadLetters({ topic: 'orders', group: 'G' })).toEqual([]);
    const again = await h.consume('G');
    expect(again.map((m) => [m.messageId, m.consumedTimes])).toEqual([[id, 1]]);
    // OTHER's own life of the message goes on, untouched: its redelivery is its second.
    expect((await h.consume('OTHER')).map((m) => m.consumedTimes)).toEqual([2]);
    expect(await h.consume('OTHER')).toEqual([]);
  });

  it('a resent message wakes a parked long poll of the group', async () => {
    h = harness({ timings: { maxRetries: 0 } });
    const id = h.publish('orders', 'poison');
    expect(await h.consume('G')).toHaveLength(1);
    h.clock.advance(FIVE_MIN);
    expect(await h.consume('G')).toEqual([]);
    const parked = h.consume('G', { wait: 30_000 });
    h.broker.resendDeadLetters('', 'orders', 'G', [id]);
    expect((await parked).map((m) => m.messageId)).toEqual([id]);
  });

  it('reports what it could not resend: unknown ids and messages past retention', async () => {
    h = harness({ timings: { maxRetries: 0, retentionMs: 3_600_000 } });
    const id = h.publish('orders', 'poison');
    expect(await h.consume('G')).toHaveLength(1);
    h.clock.advance(FIVE_MIN);
    expect(await h.consume('G')).toEqual([]);
    h.clock.advance(3_600_000);
    const outcome = h.broker.resendDeadLetters('', 'orders', 'G', [id, 'NOPE']);
    expect(outcome.resent).toEqual([]);
    expect(outcome.failed.map((f) => f.messageId)).toEqual([id, 'NOPE']);
    expect(outcome.failed[0]!.reason).toMatch(/retention/);
    expect(outcome.failed[1]!.reason).toMatch(/not a dead letter/);
    // The dead-letter copy stays until purged.
    expect(h.broker.admin.deadLetters({ topic: 'orders', group: 'G' })).toHaveLength(1);
    expect(() => h.broker.resendDeadLetters('', 'orders', 'NO_GROUP')).toThrow();
  });

  it('purges selected or all dead letters of a group for a topic', async () => {
    h = harness({ timings: { maxRetries: 0 } });
    const a = h.publish('orders', 'a');
    const b = h.publish('orders', 'b');
    expect(await h.consume('G')).toHaveLength(2);
    h.clock.advance(FIVE_MIN);
    expect(await h.consume('G')).toEqual([]);
    expect(h.broker.purgeDeadLetters('', 'orders', 'G', [a])).toBe(1);
    expect(
      h.broker.admin.deadLetters({ topic: 'orders', group: 'G' }).map((d) => d.messageId),
    ).toEqual([b]);
    expect(h.broker.purgeDeadLetters('', 'orders', 'G')).toBe(1);
    expect(h.broker.purgeDeadLetters('', 'orders', 'G')).toBe(0);
  });

  it('hands every state change to the observer, also with the memory store', async () => {
    const seen: BrokerEvent[] = [];
    h = harness({ observer: (e) => seen.push(e), timings: { maxRetries: 0 } });
    const id = h.publish('orders', 'x');
    const [m] = await h.consume('G');
    h.clock.advance(FIVE_MIN);
    await h.consume('G');
    h.broker.resendDeadLetters('', 'orders', 'G');
    const [again] = await h.consume('G');
    h.broker.ack('', 'orders', 'G', [again!.receiptHandle]);
    expect(seen.map((e) => e.t)).toEqual([
      'topic',
      'pub',
      'group',
      'sub',
      'dlv',
      'dead',
      'resend',
      'dlv',
      'ack',
    ]);
    expect(seen.find((e) => e.t === 'dlv')).toMatchObject({ id, h: m!.receiptHandle, n: 1 });
  });
});

describe('maintenance actions are durable', () => {
  it('a restart keeps purged topics empty, resent dead letters resent, purged ones gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-maint-'));
    const clock = new VirtualClock(T0);
    const timings = { ...DEFAULT_TIMINGS, maxRetries: 0 };
    const open = () => new Broker({ clock, timings, autoCreate: true, store: new LogStore(dir) });
    let broker = open();
    const publish = (topic: string, body: string) =>
      broker.publish('', topic, { body, properties: new Map() }).messageId;
    const consume = (topic: string) =>
      broker.consume({ ns: '', topic, group: 'G', kind: 'normal', max: 16 }, 0);
    try {
      publish('gone', 'purged');
      const resent = publish('dlq', 'resent');
      const purged = publish('dlq', 'purged');
      expect(await consume('dlq')).toHaveLength(2);
      clock.advance(FIVE_MIN);
      expect(await consume('dlq')).toEqual([]);
      broker.purgeTopic('', 'gone');
      broker.resendDeadLetters('', 'dlq', 'G', [resent]);
      broker.purgeDeadLetters('', 'dlq', 'G', [purged]);
      await broker.close();

      broker = open();
      expect(broker.admin.peek({ topic: 'gone' })).toEqual([]);
      expect(broker.admin.deadLetters({ topic: 'dlq', group: 'G' })).toEqual([]);
      expect((await consume('dlq')).map((m) => [m.messageId, m.consumedTimes])).toEqual([
        [resent, 1],
      ]);
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
