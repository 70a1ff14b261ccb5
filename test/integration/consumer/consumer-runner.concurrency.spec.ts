/**
 * Slot-bounded polling and batched acks of ConsumerRunner against the real emulator and client.
 */
import { describe, expect, it } from '@jest/globals';
import { MQClient, type MQReceivedMessage } from '../../../lib/client/index.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import type { DispatchOutcome } from '../../../lib/nest/consumer/index.js';
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

describe('ConsumerRunner — concurrency and acks', () => {
  const t = useRunnerHarness();

  it('never has more handlers running, nor more deliveries in flight at the broker, than concurrency', async () => {
    const { h, conditions, events, logger } = t;
    const topic = 'T_conc';
    const group = 'GID_conc';
    const concurrency = 4;
    const total = 20;
    await publishMany(h.client, topic, total);

    const blocked: Gate<DispatchOutcome>[] = [];
    const handled: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const brokerInflightViolations: string[] = [];

    const runner = t.createRunner(
      // batchSize above concurrency: the runner must still ask only for free slots.
      consumerOptions({ topic, group, concurrency, batchSize: 16 }),
      {
        dispatch: async (message: MQReceivedMessage) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          // Acks lag handler completion by one request: the broker may hold those too.
          const pendingAcks =
            events.count('message.succeeded') -
            events.count('message.acked') -
            events.count('message.ack-failed');
          const inflight = groupStats(h.emulator, topic, group).inflight;
          if (inflight > concurrency + pendingAcks) {
            brokerInflightViolations.push(`${inflight} > ${concurrency} + ${pendingAcks}`);
          }
          const release = gate<DispatchOutcome>();
          blocked.push(release);
          conditions.poke();
          const outcome = await release.promise;
          running--;
          handled.push(message.body);
          return { outcome };
        },
      },
    );
    runner.start();

    // Release the handlers in waves; between waves everything is blocked and every ack landed,
    // so the broker's in-flight count is exactly what the runner fetched.
    let released = 0;
    while (released < total) {
      const wave = Math.min(concurrency, total - released);
      await conditions.until(
        () => blocked.length === wave && events.count('message.acked') === released,
        `wave after ${released}: ${wave} handlers blocked and ${released} acked`,
        () => `blocked=${blocked.length} ${events.summary()}`,
      );
      expect(runner.inFlight).toBe(wave);
      expect(groupStats(h.emulator, topic, group).inflight).toBe(wave);
      const waveGates = blocked.splice(0);
      for (const g of waveGates) g.open('ack');
      released += wave;
    }
    await events.waitFor('message.acked', total);

    expect(maxRunning).toBe(concurrency);
    expect(brokerInflightViolations).toEqual([]);
    expect(new Set(handled).size).toBe(total);
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
    expect(events.count('message.failed')).toBe(0);
    expect(logger.at('error')).toEqual([]);
  });

  it('acks many messages with a handful of ack requests of at most 16 handles', async () => {
    const { h, events } = t;
    const topic = 'T_acks';
    const group = 'GID_acks';
    const total = 64;
    await publishMany(h.client, topic, total);

    const recording = new RecordingTransport(h.transport);
    let dispatched = 0;
    const runner = t.createRunner(
      consumerOptions({ topic, group, concurrency: 16, batchSize: 16 }),
      {
        transport: recording,
        dispatch: async () => {
          dispatched++;
          return { outcome: 'ack' };
        },
      },
    );
    runner.start();
    await events.waitFor('message.acked', total);

    expect(dispatched).toBe(total);
    expect(events.count('message.ack-failed')).toBe(0);
    expect(recording.ackSizes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...recording.ackSizes)).toBeLessThanOrEqual(16);
    // Completions of one batch share a request: far fewer requests than messages.
    expect(recording.ackSizes.length).toBeLessThanOrEqual(total / 4);
    expect(groupStats(h.emulator, topic, group)).toMatchObject({ ready: 0, inflight: 0 });
    const acked = new Set(events.of('message.acked').map((e) => e.messageId));
    expect(acked.size).toBe(total);
  });

  it('reports the status and emits lifecycle events for start, pause, resume and stop', async () => {
    const { h, conditions, events } = t;
    const topic = 'T_life';
    const group = 'GID_life';
    const bodies: string[] = [];
    const recording = new RecordingTransport(h.transport, conditions);
    const runner = t.createRunner(consumerOptions({ topic, group }), {
      transport: recording,
      dispatch: recordBodiesAndAck(bodies, conditions),
    });
    expect(runner.status).toBe('idle');
    runner.start();
    expect(runner.status).toBe('running');
    await h.client.publish(topic, { body: 'before-pause' });
    await conditions.until(() => bodies.length === 1, 'first message handled');
    await conditions.until(() => recording.polls === 2, 'next long poll sent');

    runner.pause();
    expect(runner.status).toBe('paused');
    // The long poll under way is not aborted by pause: it takes the next message...
    await h.client.publish(topic, { body: 'during-pause-1' });
    await conditions.until(() => bodies.length === 2, 'message of the running poll handled');
    // ...but no new poll starts while paused.
    await h.client.publish(topic, { body: 'during-pause-2' });
    await events.waitFor('message.acked', 2);
    expect(groupStats(h.emulator, topic, group).ready).toBe(1);
    expect(recording.polls).toBe(2);

    runner.resume();
    await conditions.until(() => bodies.length === 3, 'message handled after resume');
    expect(bodies).toEqual(['before-pause', 'during-pause-1', 'during-pause-2']);

    await runner.stop(1_000);
    expect(runner.status).toBe('stopped');
    await runner.stop(1_000); // idempotent
    expect(events.events.map((e) => e.type).filter((t) => t.startsWith('consumer.'))).toEqual([
      'consumer.started',
      'consumer.paused',
      'consumer.resumed',
      'consumer.stopped',
    ]);
  });
  it("polls and acks in the transport's instance (ns), with a tag filter", async () => {
    const { h, events } = t;
    const topic = 'T_ns';
    const group = 'GID_ns';
    const instanceId = 'MQ_INST_other';
    const bodies: string[] = [];
    const client = new MQClient(h.emulator.endpoint, h.emulator.credentials, { instanceId });
    t.onCleanup(() => client.close());
    const runner = t.createRunner(consumerOptions({ topic, group, tags: ['TagA', 'TagB'] }), {
      transport: new HttpMQTransport(client),
      dispatch: async (message) => {
        bodies.push(message.body);
        return { outcome: 'ack' };
      },
    });
    runner.start();
    await h.client.publish(topic, { body: 'default-ns', tag: 'TagA' });
    await h.client.publish(topic, { body: 'other-c', tag: 'TagC' }, { instanceId });
    await h.client.publish(topic, { body: 'other-a', tag: 'TagA' }, { instanceId });
    await h.client.publish(topic, { body: 'other-b', tag: 'TagB' }, { instanceId });
    await events.waitFor('message.acked', 2);
    expect(bodies.sort()).toEqual(['other-a', 'other-b']);
    const stats = h.emulator.admin.groups().filter((g) => g.group === group);
    expect(stats).toEqual([expect.objectContaining({ instanceId, inflight: 0 })]);
  });
});
