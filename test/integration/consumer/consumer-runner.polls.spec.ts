/**
 * Several polls in flight per plain consumer: each reserves the slots it asks for, so together they
 * never fetch more than the free handler slots; stop aborts all of them together; overlapping poll
 * failures count as one; orderly consumers keep one poll.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { MQClient } from '../../../lib/client/index.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import { ConsumerRunner } from '../../../lib/nest/consumer/index.js';
import type { DispatchOutcome } from '../../../lib/nest/consumer/index.js';
import type { MQEvent } from '../../../lib/nest/interfaces/mq-events.interface.js';
import {
  Conditions,
  EventLog,
  RecordingTransport,
  RecordingLogger,
  consumerOptions,
  gate,
  groupStats,
  publishMany,
  recordBodiesAndAck,
  parkedLongPolls,
  untilParked,
  useRunnerHarness,
  type Gate,
} from './consumer.harness.js';

describe('ConsumerRunner — polls in flight', () => {
  const t = useRunnerHarness();

  it('concurrency 32 / batch 16: two full-batch polls at once, never more fetched than free slots under a burst', async () => {
    const { h, conditions, events, logger } = t;
    const topic = 'T_polls';
    const group = 'GID_polls';
    const concurrency = 32;
    const total = 40;
    const recording = new RecordingTransport(h.transport, conditions);
    const violations: string[] = [];
    const blocked: Gate<DispatchOutcome>[] = [];
    let running = 0;
    let maxRunning = 0;
    const runner = t.createRunner(
      consumerOptions({ topic, group, concurrency, batchSize: 16, waitSeconds: 30 }),
      {
        transport: recording,
        dispatch: async () => {
          running++;
          if (running > maxRunning) maxRunning = running;
          const release = gate<DispatchOutcome>();
          blocked.push(release);
          conditions.poke();
          const outcome = await release.promise;
          running--;
          return { outcome };
        },
      },
    );
    const current = runner;
    // The invariant, checked as every poll is sent: what all outstanding polls may return plus the
    // messages being handled never exceeds concurrency.
    recording.onPoll = (asked) => {
      const total = recording.outstandingAsked + asked + current.inFlight;
      if (total > concurrency)
        violations.push(`poll #${recording.polls + 1}: ${total} > ${concurrency}`);
    };
    runner.start();

    // Both polls go out together, each for a whole batch, and both park at the broker.
    expect(recording.polls).toBe(2);
    expect(recording.asked).toEqual([16, 16]);
    await untilParked(h, (n) => n === 2, '2 long polls parked');

    // A burst larger than concurrency: both polls return a batch, then no poll while full.
    await publishMany(h.client, topic, total);
    await conditions.until(
      () => blocked.length === concurrency,
      `${concurrency} handlers running`,
      () => `blocked=${blocked.length} ${events.summary()}`,
    );
    expect(runner.inFlight).toBe(concurrency);
    expect(groupStats(h.emulator, topic, group)).toMatchObject({
      inflight: concurrency,
      ready: total - concurrency,
    });
    expect(recording.outstanding).toBe(0);

    // Ten slots free: one poll (the first may ask for less than a batch) for exactly those ten.
    const firstWave = blocked.splice(0, 10);
    for (const g of firstWave) g.open('ack');
    await conditions.until(
      () => blocked.length === concurrency - 10 + (total - concurrency),
      'the rest of the burst running',
      () => `blocked=${blocked.length} asked=${recording.asked.join(',')}`,
    );
    expect(groupStats(h.emulator, topic, group).ready).toBe(0);
    for (const g of blocked.splice(0)) g.open('ack');
    await events.waitFor('message.acked', total);

    expect(maxRunning).toBe(concurrency);
    expect(violations).toEqual([]);
    expect(recording.asked.every((n) => n >= 1 && n <= 16)).toBe(true);
    expect(recording.maxOutstanding).toBeLessThanOrEqual(4);
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
    expect(events.count('message.failed')).toBe(0);
    expect(logger.at('error')).toEqual([]);
  });

  it('stop() aborts every outstanding long poll at once: the virtual clock never moves, nothing is taken', async () => {
    const { h, conditions, events, logger } = t;
    const topic = 'T_polls_stop';
    const group = 'GID_polls_stop';
    const recording = new RecordingTransport(h.transport, conditions);
    const runner = t.createRunner(
      consumerOptions({ topic, group, concurrency: 64, batchSize: 16, waitSeconds: 30 }),
      { transport: recording, events, logger, dispatch: async () => ({ outcome: 'ack' }) },
    );
    runner.start();
    // 64 free slots / 16 = 4 polls (also the cap per consumer).
    expect(recording.outstanding).toBe(4);
    await untilParked(h, (n) => n === 4, '4 long polls parked');
    const clockBefore = h.emulator.admin.now();

    // Without aborting all of them, stop waits for a 30 s poll the virtual clock never ends.
    await runner.stop(1_000);
    expect(runner.status).toBe('stopped');
    expect(recording.outstanding).toBe(0);
    expect(h.emulator.admin.now()).toBe(clockBefore);
    expect(events.count('poll.error')).toBe(0);
    expect(logger.at('warn')).toEqual([]);
    await untilParked(h, (n) => n === 0, 'no long poll left parked');

    await h.client.publish(topic, { body: 'after-stop' });
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 1, inflight: 0 });
  });

  it('pause sends no new poll while the outstanding ones still deliver what they return', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_polls_pause';
    const group = 'GID_polls_pause';
    const recording = new RecordingTransport(h.transport, conditions);
    const bodies: string[] = [];
    const runner = t.createRunner(
      consumerOptions({ topic, group, concurrency: 32, batchSize: 16, waitSeconds: 30 }),
      {
        transport: recording,
        dispatch: recordBodiesAndAck(bodies, conditions),
      },
    );
    runner.start();
    await untilParked(h, (n) => n === 2, '2 long polls parked');
    runner.pause();
    // Two messages, so the two parked polls can take them all (a third could wait for a poll).
    await publishMany(h.client, topic, 2);
    await events.waitFor('message.acked', 2);
    expect(bodies.sort()).toEqual(['m-0', 'm-1']);
    // Whatever the parked polls returned was handled; none was sent after the pause.
    expect(recording.polls).toBe(2);
    runner.resume();
    await conditions.until(() => recording.outstanding === 2, 'polling again after resume');
  });

  it('orderly keeps one poll in flight even with slots for several batches', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_polls_order';
    const group = 'GID_polls_order';
    const recording = new RecordingTransport(h.transport, conditions);
    const order = new Map<string, string[]>();
    const runner = t.createRunner(
      consumerOptions({
        topic,
        group,
        concurrency: 64,
        batchSize: 16,
        waitSeconds: 30,
        orderly: true,
      }),
      {
        transport: recording,
        dispatch: async (message) => {
          const key = message.shardingKey!;
          order.set(key, [...(order.get(key) ?? []), message.body]);
          return { outcome: 'ack' };
        },
      },
    );
    runner.start();
    expect(recording.outstanding).toBe(1);
    await untilParked(h, (n) => n >= 1, 'orderly poll parked');
    expect(await parkedLongPolls(h)).toBe(1);

    const total = 48;
    for (let i = 0; i < total; i++) {
      await h.client.publish(topic, { body: `k${i % 4}-${i}`, shardingKey: `k${i % 4}` });
    }
    await events.waitFor('message.acked', total);
    expect(recording.maxOutstanding).toBe(1);
    for (const [key, bodies] of order) {
      const expected = [];
      for (let i = 0; i < total; i++) if (`k${i % 4}` === key) expected.push(`${key}-${i}`);
      expect(bodies).toEqual(expected);
    }
  });
});

describe('ConsumerRunner — overlapping poll failures', () => {
  it('reports one failure per backoff step, not one per outstanding poll', async () => {
    // An endpoint where nothing listens: every poll fails at once with a network error.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const mqClient = new MQClient(`http://127.0.0.1:${address.port}`, {
      accessKeyId: 'id',
      accessKeySecret: 'secret',
    });
    const conditions = new Conditions();
    const recording = new RecordingTransport(new HttpMQTransport(mqClient), conditions);
    const pollsAtError: number[] = [];
    const log = new EventLog(conditions);
    const events = {
      next(event: MQEvent): void {
        if (event.type === 'poll.error') pollsAtError.push(recording.polls);
        log.next(event);
      },
    };
    const logger = new RecordingLogger();
    const runner = new ConsumerRunner(
      consumerOptions({ topic: 'T', group: 'GID', concurrency: 32, batchSize: 16 }),
      {
        transport: recording,
        events,
        logger,
        dispatch: async () => ({ outcome: 'ack' }),
        backoff: { initialMs: 4, maxMs: 40 },
        random: () => 0.5,
      },
    );
    try {
      runner.start();
      expect(recording.polls).toBe(2);
      await log.waitFor('poll.error', 5);
      expect(runner.status).toBe('backing-off');
      // The backoff grows once per step: both initial polls failing did not take two steps.
      expect(
        log
          .of('poll.error')
          .slice(0, 5)
          .map((e) => e.retryInMs),
      ).toEqual([3, 6, 12, 24, 30]);
      // Every reported failure came from a poll sent after the previous report.
      for (let i = 1; i < 5; i++) expect(pollsAtError[i]!).toBeGreaterThan(pollsAtError[i - 1]!);
      expect(logger.at('warn')).toHaveLength(1);
    } finally {
      await runner.stop(1_000);
      await mqClient.close();
    }
    expect(runner.status).toBe('stopped');
  });
});
