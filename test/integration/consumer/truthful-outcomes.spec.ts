/**
 * Outcomes that tell the truth: an ack (or a check's commit) whose answer is lost after the broker
 * acted, and whose retry is told the handle is gone, is reported as done (`confirmed: false`),
 * never as an `ack-failed` promising a redelivery that does not come. A fault proxy between the
 * runner and the real emulator loses exactly one answer.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MQClient } from '../../../lib/client/index.js';
import { ConsumerRunner, TransactionCheckRunner } from '../../../lib/nest/consumer/index.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import { FaultProxy, type ProxyFault } from '../../support/fault-proxy.js';
import {
  Conditions,
  EventLog,
  RecordingLogger,
  consumerOptions,
  groupStats,
  recordBodiesAndAck,
  startHarness,
  type Harness,
} from './consumer.harness.js';

const ACK = /\/messages\?.*consumer=/;

describe('truthful ack and commit outcomes', () => {
  let h: Harness;
  let proxy: FaultProxy;
  let client: MQClient;
  let conditions: Conditions;
  let events: EventLog;
  let logger: RecordingLogger;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    h = await startHarness({ topics: [{ name: 'T_tx', type: 'transactional' }] });
    proxy = await FaultProxy.start(h.emulator.endpoint);
    // A dropped answer ends its attempt at this deadline: short enough for a quick test, long
    // enough that answered calls never reach it, even on a loaded machine.
    client = new MQClient(proxy.endpoint, h.emulator.credentials, {
      instanceId: h.emulator.instanceId,
      requestTimeoutMs: 1_000,
    });
    conditions = new Conditions();
    events = new EventLog(conditions);
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await client.close();
    await proxy.stop();
    await h.close();
  });

  async function consumeWithLostAck(fault: ProxyFault, topic: string) {
    const group = `GID_${topic}`;
    proxy.add({ method: 'DELETE', url: ACK, fault });
    const bodies: string[] = [];
    const runner = new ConsumerRunner(consumerOptions({ topic, group, concurrency: 1 }), {
      transport: new HttpMQTransport(client),
      events,
      logger,
      dispatch: recordBodiesAndAck(bodies, conditions),
    });
    stops.push(() => runner.stop(1_000));
    runner.start();
    await h.client.publish(topic, { body: 'once' });
    await events.waitFor('message.acked');
    return { group, bodies };
  }

  for (const fault of ['reset-after', 'drop-after'] as const) {
    it(`an ack whose answer is lost (${fault}) is reported acked, unconfirmed`, async () => {
      const topic = `T_${fault.replace('-', '_')}`;
      const { group } = await consumeWithLostAck(fault, topic);
      const acks = proxy.matching('DELETE', ACK);
      // The first attempt reached the broker (it answered 204); the retry found the handle used.
      expect(acks.map((a) => [a.outcome, a.status])).toEqual([
        [fault, 204],
        ['pass', 404],
      ]);
      expect(events.of('message.acked').map((e) => e.confirmed)).toEqual([false]);
      expect(events.count('message.ack-failed')).toBe(0);
      expect(logger.at('warn').filter((l) => l.includes('delivered again'))).toEqual([]);
      // And it was indeed acked: nothing in flight, nothing to redeliver.
      expect(groupStats(h.emulator, topic, group).inflight).toBe(0);
    });
  }

  it('an ack cut before it reached the broker is retried and confirmed', async () => {
    const { group } = await consumeWithLostAck('reset-before', 'T_before');
    const acks = proxy.matching('DELETE', ACK);
    expect(acks.map((a) => a.outcome)).toEqual(['reset-before', 'pass']);
    expect(acks[1]!.status).toBe(204);
    expect(events.of('message.acked').map((e) => e.confirmed)).toEqual([true]);
    expect(groupStats(h.emulator, 'T_before', group).inflight).toBe(0);
  });

  it("a check's commit whose answer is lost is reported succeeded, unconfirmed", async () => {
    const topic = 'T_tx';
    const group = 'GID_tx_producer';
    proxy.add({ method: 'DELETE', url: /trans=commit/, fault: 'reset-after' });
    const runner = new TransactionCheckRunner(
      { name: 'Tx.check', topic, group, batchSize: 16, waitSeconds: 30, concurrency: 1 },
      {
        transport: new HttpMQTransport(client),
        events,
        logger,
        check: async () => 'commit',
      },
    );
    stops.push(() => runner.stop(1_000));
    runner.start();
    await h.client.publish(topic, { body: 'paid', transCheckImmunitySeconds: 10 });
    h.emulator.admin.advance(10_000);
    await events.waitFor('message.succeeded');
    const commits = proxy.matching('DELETE', /trans=commit/);
    expect(commits.map((c) => [c.outcome, c.status])).toEqual([
      ['reset-after', 204],
      ['pass', 404],
    ]);
    const [succeeded] = events.of('message.succeeded');
    expect(succeeded).toMatchObject({ decision: 'commit', confirmed: false });
    expect(events.count('message.ack-failed')).toBe(0);
    expect(logger.at('warn')).toEqual([]);
    expect(logger.at('log').some((l) => l.includes('most likely went through'))).toBe(true);
    // Committed: the message is visible to consumers.
    const visible = await h.client.consume(topic, 'GID_reader', { numOfMessages: 16 });
    expect(visible.map((m) => m.body)).toEqual(['paid']);
  });
});
