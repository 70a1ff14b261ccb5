/**
 * Durability of the emulator's event log: a broker restarted on the same data directory has exactly
 * the state of the one before (in-process part), and a kill -9 mid-load loses no acknowledged
 * publish and resurrects no acked message (child-process part).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import { LogStore } from '../../../lib/emulator/store/log.store.js';
import { DEFAULT_TIMINGS, T0 } from '../../unit/emulator/broker.fixture.js';

function open(dir: string, now: number, maxRetries = 288): { broker: Broker; clock: VirtualClock } {
  const clock = new VirtualClock(now);
  const broker = new Broker({
    clock,
    timings: { ...DEFAULT_TIMINGS, maxRetries },
    autoCreate: true,
    store: new LogStore(dir),
  });
  return { broker, clock };
}

const props = (o: Record<string, string> = {}) => new Map(Object.entries(o));
const logLines = (dir: string) =>
  readFileSync(join(dir, 'events.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('LogStore durability (in-process restart)', () => {
  let dir: string;
  const opened: Broker[] = [];
  const start = (now: number, maxRetries?: number) => {
    const o = open(dir, now, maxRetries);
    opened.push(o.broker);
    return o;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mq-durability-'));
  });
  afterEach(async () => {
    for (const b of opened.splice(0)) await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores unacked, in-flight (deadline and ConsumedTimes kept) and drops acked messages', async () => {
    const a = start(T0);
    const ids = ['m1', 'm2', 'm3', 'm4'].map(
      (body) => a.broker.publish('', 'orders', { body, properties: props() }).messageId,
    );
    const batch = await a.broker.consume(
      { ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 2 },
      0,
    );
    expect(a.broker.ack('', 'orders', 'G', [batch[0]!.receiptHandle])).toEqual([]);
    a.clock.advance(1000);
    await a.broker.close();

    const b = start(T0 + 1000);
    const view = b.broker.admin.peek({ topic: 'orders', group: 'G' });
    expect(view.map((v) => [v.messageId, v.state, v.consumedTimes, v.nextConsumeTime])).toEqual([
      [ids[1], 'inflight', 1, T0 + 300_000],
      [ids[2], 'ready', 0, undefined],
      [ids[3], 'ready', 0, undefined],
    ]);
    // The in-flight handle from before the restart is still valid until its NextConsumeTime...
    const next = await b.broker.consume(
      { ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 16 },
      0,
    );
    expect(next.map((m) => m.messageId)).toEqual([ids[2], ids[3]]);
    // ...and when it expires the message comes back with ConsumedTimes 2 and FirstConsumeTime kept.
    b.clock.setTime(T0 + 300_000);
    const again = await b.broker.consume(
      { ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 16 },
      0,
    );
    expect(again.map((m) => [m.messageId, m.consumedTimes, m.firstConsumeTime])).toEqual([
      [ids[1], 2, T0],
    ]);
    expect(b.broker.ack('', 'orders', 'G', [batch[1]!.receiptHandle])[0]!.code).toBe(
      'MessageNotExist',
    );
  });

  it('keeps an in-flight handle usable across a restart', async () => {
    const a = start(T0);
    a.broker.publish('', 'orders', { body: 'x', properties: props() });
    const [m] = await a.broker.consume(
      { ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 1 },
      0,
    );
    await a.broker.close();
    const b = start(T0 + 10);
    expect(b.broker.ack('', 'orders', 'G', [m!.receiptHandle])).toEqual([]);
    await b.broker.close();
    const c = start(T0 + 10_000_000);
    expect(
      await c.broker.consume({ ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 16 }, 0),
    ).toEqual([]);
  });

  it('restores half messages, timer messages, orderly locks and dead letters', async () => {
    const consume = (b: Broker, topic: string, kind: 'normal' | 'orderly' | 'half', group = 'G') =>
      b.consume({ ns: '', topic, group, kind, max: 16 }, 0);
    const a = start(T0, 1);
    const half = a.broker.publish('', 'tx', {
      body: 'h',
      properties: props({ __TransCheckT: '60' }),
    });
    const timer = a.broker.publish('', 'orders', {
      body: 't',
      properties: props({ __STARTDELIVERTIME: String(T0 + 50_000) }),
    });
    const poison = a.broker.publish('', 'dlq', { body: 'p', properties: props() });
    await consume(a.broker, 'dlq', 'normal');
    a.clock.advance(300_000);
    expect((await consume(a.broker, 'dlq', 'normal'))[0]!.consumedTimes).toBe(2);
    a.broker.publish('', 'ord', { body: 'o1', properties: props({ __SHARDINGKEY: 'k' }) });
    a.broker.publish('', 'ord', { body: 'o2', properties: props({ __SHARDINGKEY: 'k' }) });
    const [o1] = await a.broker.consume(
      { ns: '', topic: 'ord', group: 'G', kind: 'orderly', max: 1 },
      0,
    );
    // poison is dead-lettered at T0+600 s (2 deliveries, maxRetries 1); o1 expires unacked.
    a.clock.advance(300_000);
    await a.broker.close();

    const b = start(T0 + 600_000, 1);
    expect(
      b.broker.admin.deadLetters({ topic: 'dlq', group: 'G' }).map((d) => d.messageId),
    ).toEqual([poison.messageId]);
    // The orderly partition is still locked by o1 (expired, not acked): o1 comes back, not o2.
    const redelivered = await consume(b.broker, 'ord', 'orderly');
    expect(redelivered.map((m) => [m.body, m.consumedTimes])).toEqual([['o1', 2]]);
    expect(redelivered[0]!.receiptHandle).not.toBe(o1!.receiptHandle);
    // The timer message came due while "down".
    expect((await consume(b.broker, 'orders', 'normal')).map((m) => m.messageId)).toEqual([
      timer.messageId,
    ]);
    // The half message's immunity (60 s) is over: it is offered to checks.
    const [check] = await consume(b.broker, 'tx', 'half', 'GID_p');
    expect(check).toMatchObject({ messageId: half.messageId, consumedTimes: 1 });
    await b.broker.close();

    const c = start(T0 + 600_001, 1);
    // Still locked by the in-flight redelivery of o1, whose handle survived the restart.
    expect(await consume(c.broker, 'ord', 'orderly')).toEqual([]);
    expect(c.broker.ack('', 'ord', 'G', [redelivered[0]!.receiptHandle])).toEqual([]);
    expect((await consume(c.broker, 'ord', 'orderly')).map((m) => m.body)).toEqual(['o2']);
    // The check handle survived too and commits the half message.
    expect(c.broker.commit('', 'tx', 'GID_p', check!.receiptHandle)).toEqual([]);
    await c.broker.close();

    const d = start(T0 + 600_002, 1);
    expect((await consume(d.broker, 'tx', 'normal')).map((m) => m.messageId)).toEqual([
      half.messageId,
    ]);
    expect(await consume(d.broker, 'tx', 'half', 'GID_p')).toEqual([]);
  });

  it('tolerates a torn last line', async () => {
    const a = start(T0);
    const kept = a.broker.publish('', 'orders', { body: 'kept', properties: props() });
    await a.broker.close();
    appendFileSync(join(dir, 'events.log'), '{"t":"pub","ns":"","topic":"orders","id":"AB');
    const b = start(T0);
    expect(b.broker.admin.peek({ topic: 'orders' }).map((v) => v.messageId)).toEqual([
      kept.messageId,
    ]);
    // The torn line is gone after compaction; new appends land on a clean line.
    b.broker.publish('', 'orders', { body: 'after', properties: props() });
    await b.broker.close();
    const c = start(T0);
    expect(c.broker.admin.peek({ topic: 'orders' }).map((v) => v.body)).toEqual(['kept', 'after']);
  });

  it('rejects corruption in the middle of the log instead of silently losing state', async () => {
    const a = start(T0);
    a.broker.publish('', 'orders', { body: 'x', properties: props() });
    await a.broker.close();
    appendFileSync(join(dir, 'events.log'), 'garbage\n{"t":"reset"}\n');
    expect(() => open(dir, T0)).toThrow(/line \d+ is not valid JSON/);
  });

  it('compacts the log at start to the live state, which replays to the same state', async () => {
    const a = start(T0);
    for (let i = 0; i < 20; i++)
      a.broker.publish('', 'orders', { body: `m${i}`, properties: props() });
    for (let round = 0; round < 5; round++) {
      const got = await a.broker.consume(
        { ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 16 },
        0,
      );
      a.broker.ack(
        '',
        'orders',
        'G',
        got.slice(0, 2).map((m) => m.receiptHandle),
      );
      a.clock.advance(300_000);
    }
    a.broker.admin.reset();
    a.broker.publish('', 'orders', { body: 'after-reset', properties: props() });
    await a.broker.consume({ ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 1 }, 0);
    const before = logLines(dir).length;
    const stateA = {
      groups: a.broker.admin.groups(),
      peek: a.broker.admin.peek({ topic: 'orders' }),
    };
    await a.broker.close();

    const b = start(T0 + 1_500_000);
    const after = logLines(dir).length;
    expect(after).toBeLessThan(before);
    expect({
      groups: b.broker.admin.groups(),
      peek: b.broker.admin.peek({ topic: 'orders' }),
    }).toEqual(stateA);
    await b.broker.close();
    const c = start(T0 + 1_500_000);
    expect(logLines(dir).length).toBe(after);
    expect(c.broker.admin.peek({ topic: 'orders' })).toEqual(stateA.peek);
  });
});

describe('LogStore online compaction', () => {
  it('rewrites a grown log while running and keeps the state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-compact-'));
    const clock = new VirtualClock(T0);
    const options = {
      clock,
      // Short retention keeps the live state small while the history keeps growing.
      timings: { ...DEFAULT_TIMINGS, retentionMs: 2_000 },
      autoCreate: true,
      compactAfterEvents: 200,
    };
    const a = new Broker({ ...options, store: new LogStore(dir) });
    try {
      let maxLines = 0;
      for (let i = 0; i < 300; i++) {
        a.publish('', 'orders', { body: `m${i}`, properties: props() });
        const got = await a.consume(
          { ns: '', topic: 'orders', group: 'G', kind: 'normal', max: 1 },
          0,
        );
        if (i % 10 !== 0) a.ack('', 'orders', 'G', [got[0]!.receiptHandle]);
        clock.advance(100);
        maxLines = Math.max(maxLines, logLines(dir).length);
      }
      // Over 1,100 events were appended (publish, delivery, ack, retention drop of each message);
      // without online compaction the file would hold all of them.
      expect(maxLines).toBeLessThan(400);
      const before = a.admin.peek({ topic: 'orders', group: 'G', limit: 1000 });
      expect(before.length).toBeGreaterThan(0);
      await a.close();
      const b = new Broker({ ...options, store: new LogStore(dir) });
      expect(b.admin.peek({ topic: 'orders', group: 'G', limit: 1000 })).toEqual(before);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
