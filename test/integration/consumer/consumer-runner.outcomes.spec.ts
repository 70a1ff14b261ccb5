/**
 * Delivery outcomes of ConsumerRunner: failure → no ack → redelivery with the next attempt,
 * maxAttempts → exhausted hook, handler timeout → never acked.
 */
import { describe, expect, it } from '@jest/globals';
import type { MQReceivedMessage } from '../../../lib/client/index.js';
import { MQHandlerTimeoutError } from '../../../lib/nest/consumer/index.js';
import {
  consumerOptions,
  RecordingTransport,
  gate,
  groupStats,
  useRunnerHarness,
} from './consumer.harness.js';

/** The emulator's (and the cloud's) invisibility window of a normal delivery. */
const INVISIBILITY_MS = 300_000;

describe('ConsumerRunner — outcomes', () => {
  const t = useRunnerHarness();

  it('does not ack a failed delivery; it comes back after the invisibility window as attempt 2', async () => {
    const { h, events, logger } = t;
    const topic = 'T_fail';
    const group = 'GID_fail';
    const attempts: number[] = [];
    const runner = t.createRunner(consumerOptions({ topic, group }), {
      dispatch: async (message) => {
        attempts.push(message.consumedTimes);
        return message.consumedTimes === 1
          ? { outcome: 'retry', error: new Error('database down') }
          : { outcome: 'ack' };
      },
    });
    runner.start();
    const { messageId } = await h.client.publish(topic, { body: 'x' });

    await events.waitFor('message.failed');
    const failed = events.of('message.failed')[0]!;
    expect(failed).toMatchObject({
      messageId,
      attempt: 1,
      consumer: `Test.${topic}`,
      topic,
      group,
    });
    expect((failed.error as Error).message).toBe('database down');
    expect(failed.durationMs).toBeGreaterThanOrEqual(0);
    expect(groupStats(h.emulator, topic, group).inflight).toBe(1);
    const errorLog = logger.at('error').join('\n');
    expect(errorLog).toContain(messageId);
    expect(errorLog).toContain('attempt 1');
    expect(errorLog).toContain(topic);
    expect(errorLog).toContain(group);

    h.emulator.admin.advance(INVISIBILITY_MS);
    await events.waitFor('message.acked');
    expect(attempts).toEqual([1, 2]);
    expect(events.of('message.acked')[0]).toMatchObject({ messageId, attempt: 2 });
    expect(events.of('message.succeeded')[0]).toMatchObject({ messageId, attempt: 2 });
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
  });

  it('logs a policy retry (no error) at warn level and does not ack it', async () => {
    const { h, events, logger } = t;
    const topic = 'T_policy';
    const group = 'GID_policy';
    const runner = t.createRunner(consumerOptions({ topic, group }), {
      dispatch: async () => ({ outcome: 'retry' }),
    });
    runner.start();
    const { messageId } = await h.client.publish(topic, { body: 'x' });
    await events.waitFor('message.failed');
    expect(logger.at('warn').some((l) => l.includes(messageId) && l.includes('policy'))).toBe(true);
    expect(logger.at('error')).toEqual([]);
    await runner.stop(1_000);
    expect(events.count('message.acked')).toBe(0);
    expect(groupStats(h.emulator, topic, group).inflight).toBe(1);
  });

  it('beyond maxAttempts calls the exhausted hook instead of the handler, then acks', async () => {
    const { h, events } = t;
    const topic = 'T_exhaust';
    const group = 'GID_exhaust';
    const handled: number[] = [];
    const parked: MQReceivedMessage[] = [];
    const runner = t.createRunner(consumerOptions({ topic, group, maxAttempts: 2 }), {
      dispatch: async (message) => {
        handled.push(message.consumedTimes);
        return { outcome: 'retry', error: new Error('poison') };
      },
      onExhausted: async (message) => {
        parked.push(message);
      },
    });
    runner.start();
    const { messageId } = await h.client.publish(topic, { body: 'poison' });

    await events.waitFor('message.failed', 1);
    h.emulator.admin.advance(INVISIBILITY_MS);
    await events.waitFor('message.failed', 2);
    h.emulator.admin.advance(INVISIBILITY_MS);
    await events.waitFor('message.acked');

    expect(handled).toEqual([1, 2]);
    expect(parked.map((m) => [m.messageId, m.consumedTimes, m.body])).toEqual([
      [messageId, 3, 'poison'],
    ]);
    expect(events.of('message.exhausted')).toEqual([
      expect.objectContaining({ messageId, attempt: 3 }),
    ]);
    expect(events.of('message.acked')[0]).toMatchObject({ messageId, attempt: 3 });
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
  });

  it('does not ack an exhausted message when the hook rejects; the next delivery asks the hook again', async () => {
    const { h, conditions, events, logger } = t;
    const topic = 'T_exhaust_reject';
    const group = 'GID_exhaust_reject';
    let hookCalls = 0;
    let dispatched = 0;
    const runner = t.createRunner(consumerOptions({ topic, group, maxAttempts: 1 }), {
      dispatch: async () => {
        dispatched++;
        return { outcome: 'retry', error: new Error('fails') };
      },
      onExhausted: async () => {
        hookCalls++;
        conditions.poke();
        if (hookCalls === 1) throw new Error('parking topic unavailable');
      },
    });
    runner.start();
    const { messageId } = await h.client.publish(topic, { body: 'p' });

    await events.waitFor('message.failed');
    h.emulator.admin.advance(INVISIBILITY_MS);
    await conditions.until(() => hookCalls === 1 && runner!.inFlight === 0, 'hook rejected');
    expect(events.count('message.acked')).toBe(0);
    expect(groupStats(h.emulator, topic, group).inflight).toBe(1);
    expect(
      logger
        .at('error')
        .some(
          (l) => l.includes('parking topic unavailable') || l.includes('exhausted hook failed'),
        ),
    ).toBe(true);

    h.emulator.admin.advance(INVISIBILITY_MS);
    await events.waitFor('message.acked');
    expect(hookCalls).toBe(2);
    expect(dispatched).toBe(1);
    expect(events.of('message.exhausted').map((e) => e.attempt)).toEqual([2, 3]);
    expect(events.of('message.acked')[0]).toMatchObject({ messageId, attempt: 3 });
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
  });

  it('after handlerTimeoutMs aborts the signal, reports failure, keeps the slot until the handler settles and never acks', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_timeout';
    const group = 'GID_timeout';
    const lateResult = gate<void>();
    let signalSeen: AbortSignal | undefined;
    let settled = false;
    const runner = t.createRunner(
      consumerOptions({ topic, group, concurrency: 1, handlerTimeoutMs: 20 }),
      {
        dispatch: async (_message, delivery) => {
          signalSeen = delivery.signal;
          // Ignores the abort for a while, then claims success: must still not be acked.
          await lateResult.promise;
          settled = true;
          conditions.poke();
          return { outcome: 'ack' };
        },
      },
    );
    runner.start();
    const { messageId } = await h.client.publish(topic, { body: 'slow' });

    await events.waitFor('message.failed');
    const failed = events.of('message.failed')[0]!;
    expect(failed.messageId).toBe(messageId);
    expect(failed.error).toBeInstanceOf(MQHandlerTimeoutError);
    expect(signalSeen?.aborted).toBe(true);
    expect(signalSeen?.reason).toBe(failed.error);
    // The handler has not settled: it still holds its slot (and would count toward a drain).
    expect(settled).toBe(false);
    expect(runner.inFlight).toBe(1);

    lateResult.open();
    await conditions.until(() => settled && runner!.inFlight === 0, 'late handler settled');
    await runner.stop(1_000); // flushes any queued ack — there must be none
    expect(events.count('message.acked')).toBe(0);
    expect(events.count('message.succeeded')).toBe(0);
    expect(groupStats(h.emulator, topic, group).inflight).toBe(1);

    // The broker redelivers it once the window passes.
    h.emulator.admin.advance(INVISIBILITY_MS);
    const again = await h.client.consume(topic, group, { numOfMessages: 1 });
    expect(again.map((m) => [m.messageId, m.consumedTimes])).toEqual([[messageId, 2]]);
  });
  it('reports an ack of an expired handle as ack-failed and says the message comes again', async () => {
    const { h, conditions, events, logger } = t;
    const topic = 'T_expired';
    const group = 'GID_expired';
    const release = gate<void>();
    let started = false;
    const runner = t.createRunner(consumerOptions({ topic, group, concurrency: 1 }), {
      dispatch: async () => {
        started = true;
        conditions.poke();
        await release.promise;
        return { outcome: 'ack' };
      },
    });
    runner.start();
    const { messageId } = await h.client.publish(topic, { body: 'slow' });
    await conditions.until(() => started, 'handler started');
    // The handler outlives the invisibility window: its receipt handle is no longer valid.
    h.emulator.admin.advance(INVISIBILITY_MS);
    release.open();

    await events.waitFor('message.ack-failed');
    const failure = events.of('message.ack-failed')[0]!;
    expect(failure.messageId).toBe(messageId);
    expect(['MessageNotExist', 'ReceiptHandleError']).toContain(failure.code);
    // Only one attempt, and the broker answered it: the ack certainly did not happen.
    expect(failure.maybeAcked).toBe(false);
    const warning = logger.at('warn').find((l) => l.includes(messageId))!;
    expect(warning).toContain('outlived the invisibility window');
    expect(warning).toContain('delivered again');
    expect(events.count('message.acked')).toBe(0);
  });

  it('retries an ack through transport errors, then reports ack-failed without breaking the loop', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_ack_down';
    const group = 'GID_ack_down';
    const release = gate<void>();
    let started = false;
    const recording = new RecordingTransport(h.transport);
    const runner = t.createRunner(consumerOptions({ topic, group, concurrency: 1 }), {
      transport: recording,
      dispatch: async () => {
        started = true;
        conditions.poke();
        await release.promise;
        return { outcome: 'ack' };
      },
      backoff: { initialMs: 5, maxMs: 5 },
    });
    runner.start();
    const { messageId } = await h.client.publish(topic, { body: 'x' });
    await conditions.until(() => started, 'handler started');
    await h.emulator.stop(); // the broker goes away while the handler runs
    release.open();

    await events.waitFor('message.ack-failed');
    const failure = events.of('message.ack-failed')[0]!;
    expect(failure.messageId).toBe(messageId);
    expect(failure.code).toMatch(/MQNetworkError|MQTimeoutError/);
    expect(events.of('message.succeeded')).toHaveLength(1);
    // The first attempt and three retries, then it gave up.
    expect(recording.ackSizes).toEqual([1, 1, 1, 1]);
    // The loop keeps running (and backing off), it did not crash.
    await events.waitFor('poll.error', 2);
    expect(runner.status).toBe('backing-off');
  });
});
