/**
 * TransactionCheckRunner against half messages of the real emulator: commit and rollback answers
 * resolve the transaction; 'unknown' or a throw leave it for the broker's next check.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { MQReceivedMessage } from '../../../lib/client/index.js';
import {
  TransactionCheckRunner,
  type TransactionCheckDecision,
} from '../../../lib/nest/consumer/index.js';
import {
  Conditions,
  EventLog,
  RecordingLogger,
  startHarness,
  type Harness,
} from './consumer.harness.js';

const topic = 'T_tx';
const group = 'GID_tx_producer';
const IMMUNITY_SECONDS = 10;
/** Invisibility of a check delivery before the broker asks again (PROTOCOL.md §7.9). */
const HALF_INVISIBILITY_MS = 10_000;

describe('TransactionCheckRunner', () => {
  let h: Harness;
  let runner: TransactionCheckRunner | undefined;

  beforeEach(async () => {
    h = await startHarness({ topics: [{ name: topic, type: 'transactional' }] });
  });

  afterEach(async () => {
    await runner?.stop(1_000);
    runner = undefined;
    await h.close();
  });

  function halfCount(): number {
    return h.emulator.admin.topics().find((t) => t.topic === topic)?.half ?? -1;
  }

  async function readVisible(): Promise<string[]> {
    const messages = await h.client.consume(topic, 'GID_reader', { numOfMessages: 16 });
    if (messages.length > 0) {
      await h.client.ack(
        topic,
        'GID_reader',
        messages.map((m) => m.receiptHandle),
      );
    }
    return messages.map((m) => m.body).sort();
  }

  it('commits, rolls back, and leaves unknown or failed checks for the next check', async () => {
    const conditions = new Conditions();
    const events = new EventLog(conditions);
    const logger = new RecordingLogger();
    const checks: string[] = [];
    const check = async (message: MQReceivedMessage): Promise<TransactionCheckDecision> => {
      checks.push(`${message.body}#${message.consumedTimes}`);
      const first = message.consumedTimes === 1;
      switch (message.body) {
        case 'order-committed':
          return 'commit';
        case 'order-cancelled':
          return 'rollback';
        case 'order-pending':
          return first ? 'unknown' : 'commit';
        default:
          if (first) throw new Error('order service unreachable');
          return 'rollback';
      }
    };
    runner = new TransactionCheckRunner(
      { name: 'Tx.check', topic, group, batchSize: 16, waitSeconds: 30, concurrency: 4 },
      { transport: h.transport, check, events, logger },
    );
    runner.start();

    const ids = new Map<string, string>();
    for (const body of ['order-committed', 'order-cancelled', 'order-pending', 'order-flaky']) {
      const published = await h.client.publish(topic, {
        body,
        transCheckImmunitySeconds: IMMUNITY_SECONDS,
      });
      ids.set(published.messageId, body);
    }
    expect(halfCount()).toBe(4);

    // Within the immunity nothing is checked; past it the broker offers all four.
    h.emulator.admin.advance(IMMUNITY_SECONDS * 1_000);
    await events.waitFor('message.succeeded', 3);
    await events.waitFor('message.failed', 1);
    const decisions = Object.fromEntries(
      events.of('message.succeeded').map((e) => [ids.get(e.messageId), e.decision]),
    );
    expect(decisions).toEqual({
      'order-committed': 'commit',
      'order-cancelled': 'rollback',
      'order-pending': 'unknown',
    });
    expect(ids.get(events.of('message.failed')[0]!.messageId)).toBe('order-flaky');
    await conditions.eventually(() => halfCount() === 2, 'two half messages left');
    expect(await readVisible()).toEqual(['order-committed']);

    // The broker asks again about the two left; this time they are decided.
    h.emulator.admin.advance(HALF_INVISIBILITY_MS);
    await events.waitFor('message.succeeded', 5);
    await conditions.eventually(() => halfCount() === 0, 'no half message left');
    expect(await readVisible()).toEqual(['order-pending']);
    expect(checks.sort()).toEqual([
      'order-cancelled#1',
      'order-committed#1',
      'order-flaky#1',
      'order-flaky#2',
      'order-pending#1',
      'order-pending#2',
    ]);
    expect(events.count('message.ack-failed')).toBe(0);
    expect(logger.at('warn').some((l) => l.includes('order service unreachable'))).toBe(true);
  });

  it('aborts a check that outlives checkTimeoutMs and leaves the message for the next check', async () => {
    const conditions = new Conditions();
    const events = new EventLog(conditions);
    let signalSeen: AbortSignal | undefined;
    let calls = 0;
    runner = new TransactionCheckRunner(
      {
        name: 'Tx.slow',
        topic,
        group,
        batchSize: 1,
        waitSeconds: 30,
        concurrency: 1,
        checkTimeoutMs: 20,
      },
      {
        transport: h.transport,
        events,
        logger: new RecordingLogger(),
        check: async (_message, signal) => {
          calls++;
          if (calls > 1) return 'commit';
          signalSeen = signal;
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          return 'commit'; // too late: must not be applied
        },
      },
    );
    runner.start();
    await h.client.publish(topic, { body: 'slow', transCheckImmunitySeconds: IMMUNITY_SECONDS });
    h.emulator.admin.advance(IMMUNITY_SECONDS * 1_000);
    await events.waitFor('message.failed');
    expect(signalSeen?.aborted).toBe(true);
    await conditions.eventually(() => runner!.inFlight === 0, 'slow check settled');
    expect(halfCount()).toBe(1);
    expect(events.count('message.succeeded')).toBe(0);

    h.emulator.admin.advance(HALF_INVISIBILITY_MS);
    await events.waitFor('message.succeeded');
    expect(events.of('message.succeeded')[0]!.decision).toBe('commit');
    await conditions.eventually(() => halfCount() === 0, 'committed');
    expect(await readVisible()).toEqual(['slow']);
  });
});
