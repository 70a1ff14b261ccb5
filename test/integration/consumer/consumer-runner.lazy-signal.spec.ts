/**
 * The dispatcher's `DeliverySignal`: the delivery's signal is created only when read, and still carries every abort —
 * a handler timeout or the drain deadline aborts a signal already read, and a signal first read
 * afterwards is already aborted with the same reason. Outcomes are those of `dispatch`.
 */
import { describe, expect, it } from '@jest/globals';
import { MQDrainTimeoutError, MQHandlerTimeoutError } from '../../../lib/nest/consumer/index.js';
import type { DeliverySignal } from '../../../lib/nest/consumer/index.js';
import {
  consumerOptions,
  gate,
  groupStats,
  publishMany,
  useRunnerHarness,
} from './consumer.harness.js';

describe('ConsumerRunner — lazily created delivery signal', () => {
  const t = useRunnerHarness();

  it('handlers that never read the signal are dispatched and acked as with dispatch', async () => {
    const { h, events, logger } = t;
    const topic = 'T_lazy_ack';
    const group = 'GID_lazy_ack';
    await publishMany(h.client, topic, 20);
    const bodies: string[] = [];
    const runner = t.createRunner(consumerOptions({ topic, group, concurrency: 8 }), {
      dispatch: async (message) => {
        bodies.push(message.body);
        return { outcome: bodies.length % 5 === 0 ? 'retry' : 'ack' };
      },
    });
    runner.start();
    await events.waitFor('message.acked', 16);
    await events.waitFor('message.failed', 4);
    expect(new Set(bodies).size).toBe(20);
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 4 });
    expect(logger.at('error')).toEqual([]);
  });

  it('handler timeout aborts a signal read before it, and a signal first read after it is already aborted', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_lazy_timeout';
    const group = 'GID_lazy_timeout';
    const readEarly = gate<void>();
    const early: { signal?: AbortSignal; abortedWhileRunning?: boolean } = {};
    const lateSources: DeliverySignal[] = [];
    const released = gate<void>();
    const runner = t.createRunner(
      consumerOptions({ topic, group, concurrency: 2, handlerTimeoutMs: 20 }),
      {
        dispatch: async (message, delivery) => {
          if (message.body === 'early') {
            const signal = delivery.signal;
            early.signal = signal;
            // The handler waits for its own signal: only the timeout can end it.
            await new Promise<void>((resolve) =>
              signal.addEventListener('abort', () => resolve(), { once: true }),
            );
            early.abortedWhileRunning = true;
            readEarly.open();
          } else {
            lateSources.push(delivery);
            conditions.poke();
            await released.promise;
          }
          return { outcome: 'ack' };
        },
      },
    );
    runner.start();
    await h.client.publish(topic, { body: 'early' });
    await h.client.publish(topic, { body: 'late' });

    await readEarly.promise;
    await events.waitFor('message.failed', 2);
    expect(early.abortedWhileRunning).toBe(true);
    expect(early.signal!.reason).toBeInstanceOf(MQHandlerTimeoutError);

    // The second handler never read its signal before the timeout: reading it now gives an
    // aborted signal with the reported error.
    const failedLate = events
      .of('message.failed')
      .find((e) => e.messageId !== events.of('message.failed')[0]!.messageId)!;
    const lateSignal = lateSources[0]!.signal;
    expect(lateSignal.aborted).toBe(true);
    expect(lateSignal.reason).toBeInstanceOf(MQHandlerTimeoutError);
    expect(lateSources[0]!.signal).toBe(lateSignal);
    expect(events.of('message.failed').map((e) => e.error)).toContain(lateSignal.reason);
    expect(failedLate.error).toBeInstanceOf(MQHandlerTimeoutError);

    released.open();
    // The drain waits for the released handler to settle; their late 'ack' must be ignored.
    await runner.stop(1_000);
    expect(runner.inFlight).toBe(0);
    expect(events.count('message.acked')).toBe(0);
    expect(groupStats(h.emulator, topic, group).inflight).toBe(2);
  });

  it('the drain deadline aborts a signal the handler read, and reports it with that reason', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_lazy_drain';
    const group = 'GID_lazy_drain';
    await publishMany(h.client, topic, 2);
    const signals: AbortSignal[] = [];
    const runner = t.createRunner(consumerOptions({ topic, group, concurrency: 2 }), {
      dispatch: async (_message, delivery) => {
        const signal = delivery.signal;
        signals.push(signal);
        conditions.poke();
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        return { outcome: 'ack' };
      },
    });
    runner.start();
    await conditions.until(() => signals.length === 2, '2 handlers running');
    await runner.stop(20);
    expect(signals.every((s) => s.aborted && s.reason instanceof MQDrainTimeoutError)).toBe(true);
    const failed = events.of('message.failed');
    expect(failed).toHaveLength(2);
    expect(failed.map((e) => e.error).sort()).toEqual(signals.map((s) => s.reason).sort());
    expect(events.count('message.acked')).toBe(0);
  });
});
