/**
 * Property: the broker's state is a fold of its log. For random sequences of publishes (normal,
 * timer, orderly, transactional), consumes, acks, commits, rollbacks and clock moves, a broker
 * restarted on the same directory shows exactly the state of the one that wrote it, and a message a
 * group acked is never delivered to that group again, across any number of restarts.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import { LogStore } from '../../../lib/emulator/store/log.store.js';
import { DEFAULT_TIMINGS, T0 } from '../../unit/emulator/broker.fixture.js';

type Op =
  | { op: 'publish'; topic: 'n' | 'tx'; kind: 'plain' | 'timer' | 'keyed' | 'half'; tag: string }
  | {
      op: 'consume';
      topic: 'n' | 'tx';
      group: string;
      kind: 'normal' | 'orderly' | 'half';
      max: number;
    }
  | { op: 'ack'; pick: number; count: number }
  | { op: 'resolve'; pick: number; commit: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'restart' }
  // Admin actions (console): purge a topic, resend or purge a group's dead letters.
  | { op: 'purge'; topic: 'n' | 'tx' }
  | { op: 'resend' | 'dlpurge'; topic: 'n' | 'tx'; group: string; pick: number; all: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ op: 'restart' as const }), weight: 2 },
  fc.record({
    op: fc.constant('publish' as const),
    topic: fc.constantFrom('n' as const, 'tx' as const),
    kind: fc.constantFrom('plain' as const, 'timer' as const, 'keyed' as const, 'half' as const),
    tag: fc.constantFrom('A', 'B'),
  }),
  fc.record({
    op: fc.constant('consume' as const),
    topic: fc.constantFrom('n' as const, 'tx' as const),
    group: fc.constantFrom('G1', 'G2'),
    kind: fc.constantFrom('normal' as const, 'orderly' as const, 'half' as const),
    max: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({
    op: fc.constant('ack' as const),
    pick: fc.nat(),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ op: fc.constant('resolve' as const), pick: fc.nat(), commit: fc.boolean() }),
  fc.record({
    op: fc.constant('advance' as const),
    ms: fc.constantFrom(1_000, 10_000, 30_000, 60_000, 300_000, 300_000),
  }),
  fc.record({
    op: fc.constant('purge' as const),
    topic: fc.constantFrom('n' as const, 'tx' as const),
  }),
  fc.record({
    op: fc.constantFrom('resend' as const, 'resend' as const, 'dlpurge' as const),
    topic: fc.constantFrom('n' as const, 'tx' as const),
    group: fc.constantFrom('G1', 'G2'),
    pick: fc.nat(),
    all: fc.boolean(),
  }),
);

const TIMINGS = {
  ...DEFAULT_TIMINGS,
  maxRetries: 2,
  retentionMs: 3_600_000,
  halfMaxAgeMs: 900_000,
};

function snapshot(b: Broker) {
  return {
    topics: b.admin.topics(),
    groups: b.admin.groups(),
    peek: ['n', 'tx'].map((topic) => b.admin.peek({ topic, limit: 10_000 })),
    dead: ['G1', 'G2'].flatMap((group) =>
      ['n', 'tx'].map((topic) => b.admin.deadLetters({ topic, group })),
    ),
  };
}

describe('event-log replay reproduces the broker state', () => {
  it('restart after any sequence of operations shows the same state; acks are never undone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 50, size: 'max' }),
        async (ops) => {
          const dir = mkdtempSync(join(tmpdir(), 'mq-replay-'));
          const clock = new VirtualClock(T0);
          const open = () =>
            new Broker({ clock, timings: TIMINGS, autoCreate: true, store: new LogStore(dir) });
          let broker = open();
          const held: { topic: string; group: string; handle: string; id: string; next: number }[] =
            [];
          const halfHandles: { topic: string; handle: string }[] = [];
          const acked = new Set<string>(); // `${group}/${id}`
          try {
            for (const o of ops) {
              switch (o.op) {
                case 'publish': {
                  const props = new Map<string, string>();
                  if (o.kind === 'timer')
                    props.set('__STARTDELIVERTIME', String(clock.now() + 45_000));
                  if (o.kind === 'keyed') props.set('__SHARDINGKEY', o.tag === 'A' ? 'k1' : 'k2');
                  if (o.kind === 'half') props.set('__TransCheckT', '10');
                  const r = broker.publish('', o.topic, {
                    body: `${o.kind}-${o.tag}`,
                    tag: o.tag,
                    properties: props,
                  });
                  if (r.receiptHandle !== undefined)
                    halfHandles.push({ topic: o.topic, handle: r.receiptHandle });
                  break;
                }
                case 'consume': {
                  const got = await broker.consume(
                    { ns: '', topic: o.topic, group: o.group, kind: o.kind, max: o.max },
                    0,
                  );
                  for (const m of got) {
                    if (o.kind === 'half') {
                      halfHandles.push({ topic: o.topic, handle: m.receiptHandle });
                    } else {
                      expect(acked.has(`${o.group}/${m.messageId}`)).toBe(false);
                      // Never handed out again while an earlier delivery to this group is in flight.
                      const inFlight = held.find(
                        (x) => x.group === o.group && x.id === m.messageId && x.next > clock.now(),
                      );
                      expect(inFlight).toBeUndefined();
                      held.push({
                        topic: o.topic,
                        group: o.group,
                        handle: m.receiptHandle,
                        id: m.messageId,
                        next: m.nextConsumeTime,
                      });
                    }
                  }
                  break;
                }
                case 'ack': {
                  if (held.length === 0) break;
                  const start = o.pick % held.length;
                  const batch = held.splice(start, o.count);
                  for (const hd of batch) {
                    const errors = broker.ack('', hd.topic, hd.group, [hd.handle]);
                    if (errors.length === 0) acked.add(`${hd.group}/${hd.id}`);
                    else expect(errors[0]!.code).toMatch(/^(MessageNotExist|ReceiptHandleError)$/);
                  }
                  break;
                }
                case 'resolve': {
                  if (halfHandles.length === 0) break;
                  const [hh] = halfHandles.splice(o.pick % halfHandles.length, 1);
                  const errors = o.commit
                    ? broker.commit('', hh!.topic, 'GP', hh!.handle)
                    : broker.rollback('', hh!.topic, 'GP', hh!.handle);
                  for (const e of errors)
                    expect(e.code).toMatch(/^(MessageNotExist|ReceiptHandleError)$/);
                  break;
                }
                case 'advance':
                  clock.advance(o.ms);
                  break;
                case 'purge':
                  if (broker.admin.topics().some((t) => t.topic === o.topic)) {
                    broker.purgeTopic('', o.topic);
                  }
                  break;
                case 'resend':
                case 'dlpurge': {
                  const dead = broker.admin.deadLetters({ topic: o.topic, group: o.group });
                  if (dead.length === 0) break;
                  const ids = o.all ? undefined : [dead[o.pick % dead.length]!.messageId];
                  if (o.op === 'dlpurge') broker.purgeDeadLetters('', o.topic, o.group, ids);
                  else broker.resendDeadLetters('', o.topic, o.group, ids);
                  break;
                }
                case 'restart': {
                  const before = snapshot(broker);
                  await broker.close();
                  broker = open();
                  expect(snapshot(broker)).toEqual(before);
                  break;
                }
              }
            }
            const before = snapshot(broker);
            await broker.close();
            broker = open();
            expect(snapshot(broker)).toEqual(before);
            // Nothing acked comes back, even after every invisibility has run out.
            clock.advance(1_000_000);
            for (const group of ['G1', 'G2']) {
              for (const topic of ['n', 'tx']) {
                for (const kind of ['normal', 'orderly'] as const) {
                  const got = await broker.consume({ ns: '', topic, group, kind, max: 16 }, 0);
                  for (const m of got) expect(acked.has(`${group}/${m.messageId}`)).toBe(false);
                }
              }
            }
          } finally {
            await broker.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);
});
