/** The console's bounded message history, the timelines built from it, and the consumer registry. */
import { describe, expect, it } from '@jest/globals';
import { ActivityTap } from '../../../lib/emulator/activity/activity.tap.js';
import { ConsumerActivity } from '../../../lib/emulator/activity/consumer.activity.js';
import { MessageHistory } from '../../../lib/emulator/activity/message.history.js';
import { messageLife, traceIdOf } from '../../../lib/emulator/activity/message.timeline.js';
import type { BrokerEvent } from '../../../lib/emulator/store/store.js';
import type { EmulatorTimings } from '../../../lib/emulator/emulator.types.js';
import { harness, T0, type Harness } from './broker.fixture.js';

const FIVE_MIN = 300_000;
const pub = (id: string, at = T0): Extract<BrokerEvent, { t: 'pub' }> => ({
  t: 'pub',
  ns: '',
  topic: 'orders',
  id,
  body: 'x',
  at,
});

/** A broker whose observer is a console tap on the broker's own clock. */
function tapped(timings: Partial<EmulatorTimings>): { h: Harness; tap: ActivityTap } {
  const late: { tap?: ActivityTap } = {};
  const h = harness({ timings, observer: (e) => late.tap!.observe(e) });
  late.tap = new ActivityTap(h.clock);
  return { h, tap: late.tap };
}

describe('MessageHistory bounds', () => {
  const ack = (id: string): BrokerEvent => ({ t: 'ack', ns: '', topic: 'orders', group: 'G', id });
  const dlv = (id: string, n: number): BrokerEvent => ({
    t: 'dlv',
    ns: '',
    topic: 'orders',
    g: 'G',
    id,
    h: `h${n}`,
    next: 0,
    n,
    first: T0,
    kind: 'normal',
  });

  it('keeps the latest maxEvents events; older ones fall out of the ring', () => {
    const history = new MessageHistory({ maxEvents: 4 });
    history.record(pub('a'), T0);
    history.record(ack('a'), T0 + 1);
    history.record(pub('b'), T0 + 2);
    history.record(ack('b'), T0 + 3);
    expect(history.get('a')?.entries).toEqual([{ at: T0 + 1, kind: 'acked', group: 'G' }]);
    history.record(pub('c'), T0 + 4);
    // a's publish left the ring: its history has lost its start, its ack is still known.
    expect(history.get('a')).toMatchObject({ publish: undefined, entries: [{ kind: 'acked' }] });
    history.record(ack('c'), T0 + 5);
    expect(history.get('a')).toBeUndefined();
    for (let i = 0; i < 1_000; i++) history.record(pub(`m${i}`), T0 + i);
    expect(history.size).toBe(4);
    expect([...history.published()].map((p) => p.id)).toEqual(['m996', 'm997', 'm998', 'm999']);
  });

  it('keeps no body: publishes and dead letters are stored without it', () => {
    const history = new MessageHistory();
    history.record({ ...pub('a'), body: 'x'.repeat(1 << 20) }, T0);
    expect(Object.keys(history.get('a')!.publish!)).not.toContain('body');
  });

  it('gives at most maxEntriesPerMessage entries per message: the latest ones', () => {
    const history = new MessageHistory({ maxEntriesPerMessage: 4 });
    history.record(pub('a'), T0);
    for (let n = 1; n <= 10; n++) history.record(dlv('a', n), T0 + n);
    const r = history.get('a')!;
    expect(r.entries.map((e) => e.attempt)).toEqual([7, 8, 9, 10]);
    expect(r.truncated).toBe(6);
    expect(r.publish?.id).toBe('a');
  });

  it('refuses bounds that cannot hold anything', () => {
    expect(() => new MessageHistory({ maxEvents: 0 })).toThrow(RangeError);
    expect(() => new MessageHistory({ maxEntriesPerMessage: 0 })).toThrow(RangeError);
  });

  it('knows nothing of messages it never saw, and forgets everything on reset', () => {
    const history = new MessageHistory();
    expect(history.get('zzz')).toBeUndefined();
    history.record(pub('a'), T0);
    history.record({ t: 'reset' }, T0);
    expect(history.size).toBe(0);
    expect(history.get('a')).toBeUndefined();
  });

  it('applies topic purges and dead-letter purges to the messages they hit', () => {
    const history = new MessageHistory();
    history.record(pub('a'), T0);
    history.record(
      {
        t: 'dead',
        ns: '',
        topic: 'orders',
        group: 'G',
        id: 'a',
        at: T0,
        n: 1,
        first: T0,
        body: 'x',
        pubAt: T0,
      },
      T0,
    );
    history.record({ t: 'dlpurge', ns: '', topic: 'orders', group: 'G' }, T0 + 1);
    history.record({ t: 'dlpurge', ns: '', topic: 'orders', group: 'G' }, T0 + 2);
    history.record({ t: 'purge', ns: '', topic: 'other' }, T0 + 3);
    history.record({ t: 'purge', ns: '', topic: 'orders' }, T0 + 4);
    history.record(pub('b'), T0 + 5);
    expect(history.get('a')!.entries.map((e) => [e.kind, e.at - T0])).toEqual([
      ['deadLettered', 0],
      ['deadLetterPurged', 1],
      ['purged', 4],
    ]);
    expect(history.get('b')!.entries).toEqual([]);
  });
});

describe('a message life from the broker tap', () => {
  it('shows publish, deliveries, the expiry between them, the dead letter, resend and ack', async () => {
    const { h, tap } = tapped({ maxRetries: 1 });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const id = h.publish('orders', 'poison', { tag: 'T', props: { KEYS: 'order-7', traceparent } });
    const [first] = await h.consume('G');
    h.clock.advance(FIVE_MIN);
    const [second] = await h.consume('G');
    h.clock.advance(FIVE_MIN);
    await h.consume('G');
    h.broker.resendDeadLetters('', 'orders', 'G');
    const [third] = await h.consume('G');
    h.broker.ack('', 'orders', 'G', [third!.receiptHandle]);

    const life = messageLife(tap.history.get(id), h.broker.admin.locate(id), h.clock.now())!;
    expect(life).toMatchObject({
      messageId: id,
      topic: 'orders',
      tag: 'T',
      key: 'order-7',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      body: 'poison',
      state: 'live',
      recorded: true,
      truncated: 0,
    });
    expect(life.views).toMatchObject([{ group: 'G', state: 'acked', consumedTimes: 1 }]);
    expect(life.timeline.map((e) => [e.at - T0, e.kind, e.attempt])).toEqual([
      [0, 'published', undefined],
      [0, 'delivered', 1],
      [FIVE_MIN, 'expired', 1],
      [FIVE_MIN, 'delivered', 2],
      [2 * FIVE_MIN, 'expired', 2],
      [2 * FIVE_MIN, 'deadLettered', 2],
      [2 * FIVE_MIN, 'resent', undefined],
      [2 * FIVE_MIN, 'delivered', 1],
      [2 * FIVE_MIN, 'acked', undefined],
    ]);
    expect(life.timeline[1]).toMatchObject({
      group: 'G',
      receiptHandle: first!.receiptHandle,
      nextConsumeTime: T0 + FIVE_MIN,
    });
    expect(life.timeline[3]!.receiptHandle).toBe(second!.receiptHandle);
    expect(tap.totals).toMatchObject({ published: 1, delivered: 3, acked: 1, deadLettered: 1 });
    await h.broker.close();
  });

  it('shows a timer coming due, an unacked delivery that expired, and a transaction', async () => {
    const { h: h2, tap } = tapped({});
    const timer = h2.publish('orders', 't', { props: { __STARTDELIVERTIME: String(T0 + 60_000) } });
    h2.clock.advance(60_000);
    await h2.consume('G');
    h2.clock.advance(FIVE_MIN);
    const life = messageLife(tap.history.get(timer), undefined, h2.clock.now())!;
    expect(life.timeline.map((e) => e.kind)).toEqual([
      'published',
      'timerDue',
      'delivered',
      'expired',
    ]);
    expect(life.state).toBe('gone');
    expect(life.body).toBeUndefined();

    const half = h2.broker.publish('', 'orders', {
      body: 'tx',
      properties: new Map([['__TransCheckT', '10']]),
    });
    h2.clock.advance(10_000);
    const [check] = await h2.consume('GP', { kind: 'half' });
    h2.broker.commit('', 'orders', 'GP', check!.receiptHandle);
    const tx = messageLife(tap.history.get(half.messageId), undefined, h2.clock.now())!;
    expect(tx.timeline.map((e) => [e.kind, e.attempt])).toEqual([
      ['published', undefined],
      ['checked', 1],
      ['committed', undefined],
    ]);
    expect(tx.timeline[0]!.receiptHandle).toBe(half.receiptHandle);
    await h2.broker.close();
  });

  it('reads the trace id of a W3C traceparent only', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf('garbage')).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });

  it('counts rates per sample', () => {
    const h = harness();
    const tap = new ActivityTap(h.clock);
    for (let i = 0; i < 3; i++) tap.observe(pub(`p${i}`));
    tap.sample();
    tap.observe({ t: 'ack', ns: '', topic: 'orders', group: 'G', id: 'p0' });
    tap.sample();
    const rates = tap.rates();
    expect(rates.publish.slice(-2)).toEqual([3, 0]);
    expect(rates.ack.slice(-2)).toEqual([0, 1]);
    expect(rates.publish).toHaveLength(60);
    void h.broker.close();
  });
});

describe('ConsumerActivity', () => {
  it('records polls per consumer, counts waiting polls, and stays bounded', () => {
    let wall = 1_000;
    const activity = new ConsumerActivity(2, 60_000, () => wall);
    const poll = { protocol: 'http' as const, instanceId: 'I', topic: 't', group: 'G' };
    const done = activity.recordPoll({ ...poll, clientId: '10.0.0.1', agent: 'sdk/1' });
    wall += 10;
    activity.recordPoll({ ...poll, clientId: '10.0.0.1', agent: 'sdk/1' })();
    expect(activity.list()).toEqual([
      {
        ...poll,
        clientId: '10.0.0.1',
        agent: 'sdk/1',
        firstSeen: 1_000,
        lastPoll: 1_010,
        polls: 2,
        waiting: 1,
      },
    ]);
    done();
    done(); // idempotent
    expect(activity.list()[0]!.waiting).toBe(0);
    activity.recordPoll({ ...poll, clientId: '10.0.0.2' })();
    activity.recordPoll({ ...poll, clientId: '10.0.0.3' })();
    expect(activity.list().map((c) => c.clientId)).toEqual(['10.0.0.3', '10.0.0.2']);
    wall += 60_001;
    expect(activity.list()).toEqual([]);
  });
});
