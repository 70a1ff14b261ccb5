/**
 * Graceful stop: the long poll is aborted after a short grace, running handlers finish and are
 * acked, nothing new starts, nothing is lost; past the drain deadline handlers are aborted and left
 * unacked, and a batch still arriving then is counted and logged as stranded, not handled.
 */
import { describe, expect, it } from '@jest/globals';
import type { DispatchOutcome } from '../../../lib/nest/consumer/index.js';
import { MQDrainTimeoutError } from '../../../lib/nest/consumer/index.js';
import {
  RecordingTransport,
  consumerOptions,
  gate,
  groupStats,
  publishMany,
  recordBodiesAndAck,
  useRunnerHarness,
  type Gate,
} from './consumer.harness.js';

const INVISIBILITY_MS = 300_000;

describe('ConsumerRunner — stop', () => {
  const t = useRunnerHarness();

  it('under load: lets running handlers finish and acks them, starts nothing new, loses nothing', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_drain';
    const group = 'GID_drain';
    const total = 20;
    await publishMany(h.client, topic, total);
    const dispatched: string[] = [];
    const blocked: Gate<DispatchOutcome>[] = [];
    const runner = t.createRunner(
      consumerOptions({ topic, group, concurrency: 4, batchSize: 4, waitSeconds: 30 }),
      {
        dispatch: async (message) => {
          dispatched.push(message.messageId);
          const g = gate<DispatchOutcome>();
          blocked.push(g);
          conditions.poke();
          return { outcome: await g.promise };
        },
      },
    );
    runner.start();
    await conditions.until(() => blocked.length === 4, '4 handlers running');
    const clockBefore = h.emulator.admin.now();

    let stopped = false;
    const stopping = runner.stop(60_000).then(() => {
      stopped = true;
    });
    expect(runner.status).toBe('stopping');
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false); // waiting for the running handlers
    for (const g of blocked.splice(0)) g.open('ack');
    await stopping;

    expect(runner.status).toBe('stopped');
    expect(runner.inFlight).toBe(0);
    expect(dispatched).toHaveLength(4);
    expect(new Set(dispatched).size).toBe(4);
    expect(
      events
        .of('message.acked')
        .map((e) => e.messageId)
        .sort(),
    ).toEqual([...dispatched].sort());
    expect(events.events.at(-1)!.type).toBe('consumer.stopped');
    expect(events.count('poll.error')).toBe(0);
    // Nothing lost, nothing stranded: the other 16 are still ready at the broker.
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: total - 4, inflight: 0 });
    expect(h.emulator.admin.now()).toBe(clockBefore);
  });

  it('aborts an idle 30 s long poll at once (the virtual clock never moves), and can start again', async () => {
    const { h, conditions, events, logger } = t;
    const topic = 'T_idle';
    const group = 'GID_idle';
    const recording = new RecordingTransport(h.transport, conditions);
    const bodies: string[] = [];
    const runner = t.createRunner(consumerOptions({ topic, group, waitSeconds: 30 }), {
      transport: recording,
      dispatch: recordBodiesAndAck(bodies, conditions),
    });
    runner.start();
    await conditions.until(() => recording.polls === 1, 'long poll sent');
    // The poll reached the broker (its subscription exists) and is parked there.
    await conditions.eventually(
      () => h.emulator.admin.groups().some((g) => g.group === group),
      'long poll parked at the broker',
    );
    const clockBefore = h.emulator.admin.now();
    // Without the abort this waits for the poll's 30 s (+ margin): beyond this test's timeout.
    await runner.stop(1_000);
    expect(runner.status).toBe('stopped');
    expect(h.emulator.admin.now()).toBe(clockBefore);
    expect(events.count('poll.error')).toBe(0);
    expect(logger.at('error')).toEqual([]);
    expect(logger.at('warn')).toEqual([]);

    // The aborted poll took nothing: a message published now waits at the broker.
    await h.client.publish(topic, { body: 'after-stop' });
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 1, inflight: 0 });

    runner.start();
    await conditions.until(() => bodies.length === 1, 'handled after restart');
    expect(bodies).toEqual(['after-stop']);
    await events.waitFor('message.acked');
    await runner.stop(1_000);
    expect(events.of('consumer.started')).toHaveLength(2);
    expect(events.of('consumer.stopped')).toHaveLength(2);
  }, 20_000);

  it('at the drain deadline aborts the handlers still running and leaves their messages unacked', async () => {
    const { h, conditions, events, logger } = t;
    const topic = 'T_deadline';
    const group = 'GID_deadline';
    await publishMany(h.client, topic, 3);
    const reasons: unknown[] = [];
    let running = 0;
    const runner = t.createRunner(consumerOptions({ topic, group, concurrency: 3 }), {
      dispatch: async (_message, delivery) => {
        const signal = delivery.signal;
        running++;
        conditions.poke();
        // A handler that only stops when told to, and then claims success anyway.
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        reasons.push(signal.reason);
        return { outcome: 'ack' };
      },
    });
    runner.start();
    await conditions.until(() => running === 3, '3 handlers running');
    const ids = events.of('message.received').map((e) => e.messageId);

    await runner.stop(20);

    expect(runner.status).toBe('stopped');
    const failed = events.of('message.failed');
    expect(failed.map((e) => e.messageId).sort()).toEqual([...ids].sort());
    for (const e of failed) expect(e.error).toBeInstanceOf(MQDrainTimeoutError);
    await conditions.until(() => reasons.length === 3, 'handlers saw the abort');
    for (const reason of reasons) expect(reason).toBeInstanceOf(MQDrainTimeoutError);
    for (const id of ids) expect(logger.at('warn').some((l) => l.includes(id))).toBe(true);
    expect(events.count('message.acked')).toBe(0);
    expect(events.count('message.succeeded')).toBe(0);
    expect(groupStats(h.emulator, topic, group).inflight).toBe(3);

    // Unacked, so they come back after the invisibility window.
    h.emulator.admin.advance(INVISIBILITY_MS);
    const again = await h.client.consume(topic, group, { numOfMessages: 16 });
    expect(again.map((m) => m.messageId).sort()).toEqual([...ids].sort());
    expect(again.every((m) => m.consumedTimes === 2)).toBe(true);
  });

  it('stop() before start() resolves at once and emits nothing', async () => {
    const { events } = t;
    const runner = t.createRunner(consumerOptions({ topic: 'T_never', group: 'GID_never' }), {
      dispatch: async () => ({ outcome: 'ack' }),
    });
    await runner.stop(1_000);
    expect(runner.status).toBe('stopped');
    expect(events.events).toEqual([]);
  });
});
