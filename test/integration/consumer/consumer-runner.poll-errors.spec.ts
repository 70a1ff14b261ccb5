/**
 * Poll failures: transient errors back off with jitter (status backing-off, poll.error events),
 * auth/config errors make the consumer unhealthy once and recover on the first good poll.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MQClient, MQNetworkError, MQServiceError } from '../../../lib/client/index.js';
import type { MQCredentials } from '../../../lib/client/index.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import { ConsumerRunner } from '../../../lib/nest/consumer/index.js';
import {
  Conditions,
  EventLog,
  RecordingLogger,
  consumerOptions,
  recordBodiesAndAck,
  startHarness,
  type Harness,
} from './consumer.harness.js';

/** An endpoint where nothing listens: a port that was free a moment ago. */
async function closedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${address.port}`;
}

const dummyCredentials: MQCredentials = { accessKeyId: 'id', accessKeySecret: 'secret' };

describe('ConsumerRunner — poll errors', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('backs off with growing jittered delays on network errors and logs them rate-limited', async () => {
    const client = new MQClient(await closedEndpoint(), dummyCredentials);
    const conditions = new Conditions();
    const events = new EventLog(conditions);
    const logger = new RecordingLogger();
    const runner = new ConsumerRunner(consumerOptions({ topic: 'T', group: 'GID' }), {
      transport: new HttpMQTransport(client),
      events,
      logger,
      dispatch: async () => ({ outcome: 'ack' }),
      backoff: { initialMs: 4, maxMs: 40 },
      random: () => 0.5, // pins the jitter: delay = ceiling / 2 + ceiling / 4
    });
    cleanups.push(
      () => client.close(),
      () => runner.stop(1_000),
    );
    runner.start();

    await events.waitFor('poll.error', 6);
    expect(runner.status).toBe('backing-off');
    const errors = events.of('poll.error').slice(0, 6);
    expect(errors.map((e) => e.retryInMs)).toEqual([3, 6, 12, 24, 30, 30]);
    for (const e of errors) expect(e.error).toBeInstanceOf(MQNetworkError);
    expect(events.count('consumer.unhealthy')).toBe(0);
    // One warning for the burst, not one per failed poll.
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]).toContain('poll failed');
  });

  it('wakes from a backoff sleep at once on stop', async () => {
    const client = new MQClient(await closedEndpoint(), dummyCredentials);
    const conditions = new Conditions();
    const events = new EventLog(conditions);
    const runner = new ConsumerRunner(consumerOptions({ topic: 'T', group: 'GID' }), {
      transport: new HttpMQTransport(client),
      events,
      logger: new RecordingLogger(),
      dispatch: async () => ({ outcome: 'ack' }),
      // A 90 s sleep: the test (30 s timeout) only passes if stop() interrupts it.
      backoff: { initialMs: 120_000, maxMs: 120_000 },
      random: () => 0.5,
    });
    cleanups.push(() => client.close());
    runner.start();
    await events.waitFor('poll.error');
    expect(events.of('poll.error')[0]!.retryInMs).toBe(90_000);
    await runner.stop(1_000);
    expect(runner.status).toBe('stopped');
    expect(events.count('poll.error')).toBe(1);
    expect(events.events.at(-1)!.type).toBe('consumer.stopped');
  });

  it('marks the consumer unhealthy once on bad credentials and recovers on the first good poll', async () => {
    const h: Harness = await startHarness();
    cleanups.push(() => h.close());
    let credentials: MQCredentials = {
      accessKeyId: h.emulator.credentials.accessKeyId,
      accessKeySecret: 'wrong-secret',
    };
    // A credentials provider, as for rotating STS tokens: fixing it must heal the consumer.
    const client = new MQClient(h.emulator.endpoint, () => credentials, {
      instanceId: h.emulator.instanceId,
    });
    const conditions = new Conditions();
    const events = new EventLog(conditions);
    const logger = new RecordingLogger();
    const bodies: string[] = [];
    const runner = new ConsumerRunner(consumerOptions({ topic: 'T_auth', group: 'GID_auth' }), {
      transport: new HttpMQTransport(client),
      events,
      logger,
      dispatch: recordBodiesAndAck(bodies, conditions),
      unhealthyBackoffMs: 5,
    });
    cleanups.push(
      () => client.close(),
      () => runner.stop(1_000),
    );
    runner.start();

    await events.waitFor('poll.error', 4);
    expect(runner.status).toBe('unhealthy');
    expect(events.count('consumer.unhealthy')).toBe(1);
    expect(events.count('consumer.recovered')).toBe(0);
    const unhealthy = events.of('consumer.unhealthy')[0]!;
    expect(unhealthy.error).toBeInstanceOf(MQServiceError);
    expect((unhealthy.error as MQServiceError).code).toBe('SignatureDoesNotMatch');
    for (const e of events.of('poll.error')) expect(e.retryInMs).toBe(5);
    // Error-level log at most once per minute, and never the secret.
    expect(logger.at('error')).toHaveLength(1);
    expect(logger.at('error')[0]).toContain('unhealthy');
    expect(logger.lines.some((l) => l.message.includes('wrong-secret'))).toBe(false);

    credentials = h.emulator.credentials;
    // A long poll succeeds when it returns: a message ends the wait.
    await h.client.publish('T_auth', { body: 'after-recovery' });
    await events.waitFor('consumer.recovered');
    await conditions.until(() => bodies.length === 1, 'message handled after recovery');
    expect(runner.status).toBe('running');
    expect(events.count('consumer.unhealthy')).toBe(1);
    expect(events.count('consumer.recovered')).toBe(1);
    expect(bodies).toEqual(['after-recovery']);
  });

  it('treats an unknown topic in strict mode as unhealthy, not as a transient error', async () => {
    const h: Harness = await startHarness({ autoCreate: false });
    cleanups.push(() => h.close());
    const conditions = new Conditions();
    const events = new EventLog(conditions);
    const runner = new ConsumerRunner(consumerOptions({ topic: 'T_missing', group: 'GID_x' }), {
      transport: h.transport,
      events,
      logger: new RecordingLogger(),
      dispatch: async () => ({ outcome: 'ack' }),
      unhealthyBackoffMs: 5,
    });
    cleanups.push(() => runner.stop(1_000));
    runner.start();
    await events.waitFor('poll.error', 3);
    expect(runner.status).toBe('unhealthy');
    expect(events.count('consumer.unhealthy')).toBe(1);
    expect((events.of('consumer.unhealthy')[0]!.error as MQServiceError).code).toMatch(
      /TopicNotExist|SubscriptionNotExist/,
    );
  });
});
