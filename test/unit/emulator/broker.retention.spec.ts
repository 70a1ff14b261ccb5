/**
 * Memory that stays bounded: the retention budget (acked messages dropped first, then the oldest
 * with a warning), finished long polls releasing what they held, due entries of dropped messages
 * cleaned up.
 */
import { describe, expect, it } from '@jest/globals';
import { Broker } from '../../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import { DEFAULT_TIMINGS, T0 } from './broker.fixture.js';

function budgeted(maxRetainedMessages: number, maxRetainedBytes = Infinity) {
  const clock = new VirtualClock(T0);
  const warnings: string[] = [];
  const broker = new Broker({
    clock,
    timings: { ...DEFAULT_TIMINGS },
    autoCreate: true,
    maxRetainedMessages,
    maxRetainedBytes,
    warn: (line) => warnings.push(line),
  });
  const publish = (topic: string, body: string): string =>
    broker.publish('', topic, { body, properties: new Map() }).messageId;
  const consume = (topic: string, group: string, max = 16) =>
    broker.consume({ ns: '', topic, group, kind: 'normal', max }, 0);
  const ackAll = async (topic: string, group: string): Promise<void> => {
    for (;;) {
      const batch = await consume(topic, group);
      if (batch.length === 0) return;
      broker.ack(
        '',
        topic,
        group,
        batch.map((m) => m.receiptHandle),
      );
    }
  };
  /** Bodies of the messages the broker still holds for the topic. */
  const bodies = (topic: string): string[] =>
    [...(broker.topics.get(`\n${topic}`)?.messages.values() ?? [])].map((m) =>
      broker.bodyText(m.body),
    );
  return { broker, clock, warnings, publish, consume, ackAll, bodies };
}

describe('retention budget', () => {
  it('drops the messages every group has acked first, oldest first', async () => {
    const b = budgeted(3);
    await b.consume('t', 'A'); // the groups exist before the first publish
    await b.consume('t', 'B');
    b.publish('t', 'm1');
    b.publish('t', 'm2');
    await b.ackAll('t', 'A');
    await b.ackAll('t', 'B');
    b.publish('t', 'm3'); // ready for both groups
    b.publish('t', 'm4'); // over budget: m1 (acked by A and B) goes
    expect(b.broker.retention()).toMatchObject({
      messages: 3,
      evictedFinished: 1,
      evictedUnfinished: 0,
    });
    expect(b.bodies('t').sort()).toEqual(['m2', 'm3', 'm4']);
    expect(b.warnings).toEqual([]);
  });

  it('keeps a message one group has not acked, dropping a newer fully acked one instead', async () => {
    const b = budgeted(2);
    await b.consume('t', 'A');
    await b.consume('t', 'B');
    b.publish('t', 'old');
    b.publish('t', 'acked by all');
    const [old] = await b.consume('t', 'A', 1);
    expect(old?.body).toBe('old'); // in flight for A, never acked
    const [second] = await b.consume('t', 'A', 1);
    b.broker.ack('', 't', 'A', [second!.receiptHandle]);
    await b.ackAll('t', 'B');
    b.publish('t', 'new');
    expect(b.bodies('t').sort()).toEqual(['new', 'old']);
    expect(b.broker.retention()).toMatchObject({ evictedFinished: 1, evictedUnfinished: 0 });
  });

  it('drops the oldest unconsumed message only when nothing acked is left, with a warning', async () => {
    const b = budgeted(2);
    await b.consume('t', 'A');
    b.publish('t', 'm1');
    b.publish('t', 'm2');
    b.publish('t', 'm3');
    expect(b.bodies('t')).toEqual(['m2', 'm3']);
    expect(b.broker.retention()).toMatchObject({ evictedFinished: 0, evictedUnfinished: 1 });
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]).toContain('maxRetainedMessages 2');
    // A group's handle of a dropped message answers MessageNotExist, as after retention.
    const [m2] = await b.consume('t', 'A', 1);
    b.publish('t', 'm4'); // drops m2, in flight
    expect(b.broker.ack('', 't', 'A', [m2!.receiptHandle])[0]?.code).toBe('MessageNotExist');
  });

  it('counts body bytes against maxRetainedBytes', async () => {
    const b = budgeted(1_000, 10);
    await b.consume('t', 'A');
    b.publish('t', 'aaaa');
    b.publish('t', 'bbbb');
    await b.ackAll('t', 'A');
    b.publish('t', 'cccc'); // 12 bytes > 10: the oldest acked goes
    expect(b.broker.retention()).toMatchObject({ messages: 2, bytes: 8, evictedFinished: 1 });
    expect(b.bodies('t').sort()).toEqual(['bbbb', 'cccc']);
  });

  it('a group that joins later makes acked messages keepable again (it starts from them)', async () => {
    const b = budgeted(2);
    await b.consume('t', 'A');
    b.publish('t', 'm1');
    await b.ackAll('t', 'A');
    await b.consume('t', 'Late'); // takes m1 as a new group (starts from every retained message)
    b.publish('t', 'm2');
    b.publish('t', 'm3');
    // m1 is in flight for Late: not finished by every group any more, so it goes only as the
    // oldest message, counted (and warned about) as unfinished.
    expect(b.broker.retention()).toMatchObject({ evictedFinished: 0, evictedUnfinished: 1 });
    expect(b.bodies('t')).toEqual(['m2', 'm3']);
  });

  it('keeps memory of dropped messages bounded in the due-event heap', async () => {
    const b = budgeted(100);
    await b.consume('t', 'A');
    for (let i = 0; i < 20_000; i++) {
      b.publish('t', `m${i}`);
      if (i % 16 === 15) await b.ackAll('t', 'A');
    }
    expect(b.broker.retention().messages).toBeLessThanOrEqual(100);
    // One retain entry per retained message plus at most the stale ones awaiting a rebuild.
    expect(b.broker.due.size).toBeLessThan(10_000);
  });
});

describe('finished long polls', () => {
  it('drop settled waiters in bulk instead of keeping them until their deadline', async () => {
    const clock = new VirtualClock(T0);
    const broker = new Broker({ clock, timings: { ...DEFAULT_TIMINGS }, autoCreate: true });
    const deadlines = (broker as unknown as { deadlines: { size: number } }).deadlines;
    for (let i = 0; i < 3_000; i++) {
      const poll = broker.consume(
        { ns: '', topic: 't', group: 'G', kind: 'normal', max: 1 },
        30_000,
      );
      const { messageId } = broker.publish('', 't', { body: `m${i}`, properties: new Map() });
      const [m] = await poll;
      expect(m?.messageId).toBe(messageId);
      broker.ack('', 't', 'G', [m!.receiptHandle]);
    }
    // Each poll was answered at once; without the bulk drop all 3,000 would wait 30 s here.
    expect(deadlines.size).toBeLessThan(2_100);
    await broker.close();
  });
});
