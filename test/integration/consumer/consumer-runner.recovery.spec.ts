/**
 * Recovery: after a poll failure the runner probes with a short poll once its backoff step is
 * over, and is `running` again as soon as one works: no long poll (which on the virtual clock
 * never ends by itself) and no message is needed for that. While the endpoint is down it sends
 * one probe per backoff step, never a burst.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MQClient } from '../../../lib/client/index.js';
import { ConsumerRunner } from '../../../lib/nest/consumer/index.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import { FaultProxy } from '../../support/fault-proxy.js';
import {
  Conditions,
  EventLog,
  RecordingLogger,
  consumerOptions,
  recordBodiesAndAck,
  startHarness,
  type Harness,
} from './consumer.harness.js';

const POLL = /\/messages\?.*waitseconds=30/;
/** A short poll: no `waitseconds` on the wire (as the official SDK sends it). */
const PROBE = /^\/topics\/[^?]+\/messages\?(?!.*waitseconds)/;
const BACKOFF = { initialMs: 20, maxMs: 100 };

describe('ConsumerRunner — recovery after poll failures', () => {
  let h: Harness;
  let proxy: FaultProxy;
  let client: MQClient;
  let conditions: Conditions;
  let events: EventLog;
  let runner: ConsumerRunner;
  let bodies: string[];

  beforeEach(async () => {
    h = await startHarness();
    proxy = await FaultProxy.start(h.emulator.endpoint);
    client = new MQClient(proxy.endpoint, h.emulator.credentials, {
      instanceId: h.emulator.instanceId,
    });
    conditions = new Conditions();
    events = new EventLog(conditions);
    bodies = [];
    runner = new ConsumerRunner(
      consumerOptions({ topic: 'T_rec', group: 'GID_rec', concurrency: 16 }),
      {
        transport: new HttpMQTransport(client),
        events,
        logger: new RecordingLogger(),
        dispatch: recordBodiesAndAck(bodies, conditions),
        backoff: BACKOFF,
      },
    );
  });

  afterEach(async () => {
    await runner.stop(1_000);
    await client.close();
    await proxy.stop();
    await h.close();
  });

  it('one failed poll: back to running after a probe, without waiting for a long poll', async () => {
    proxy.add({ method: 'GET', url: POLL, fault: 'reset-before' });
    runner.start();
    await events.waitFor('poll.error');
    await conditions.eventually(() => runner.status === 'running', 'running again');
    expect(events.count('poll.error')).toBe(1);
    expect(proxy.matching('GET', PROBE).map((e) => e.outcome)).toEqual(['pass']);
    // Long polls resumed and deliver.
    await conditions.eventually(
      () => proxy.matching('GET', POLL).length >= 2,
      'long polling again',
    );
    await h.client.publish('T_rec', { body: 'after' });
    await conditions.until(() => bodies.length === 1, 'message handled');
  });

  it('an outage: one probe per backoff step while down, running again once it is back', async () => {
    runner.start();
    await conditions.eventually(() => proxy.matching('GET', POLL).length === 1, 'polling');
    const downAt = performance.now();
    proxy.down();
    proxy.cutConnections();
    await events.waitFor('poll.error', 6);
    expect(runner.status).toBe('backing-off');
    proxy.up();
    const downMs = performance.now() - downAt;
    await conditions.eventually(() => runner.status === 'running', 'running again');

    // Every failed request while down was a probe, and they were spaced by the backoff: each
    // wait is at least half its step (10, 20, 40, then 50 ms), so a longer outage only adds one
    // probe per 50 ms. (A slow machine sends fewer, never more.)
    const down = proxy.exchanges.filter((e) => e.outcome === 'down');
    expect(down.every((e) => PROBE.test(e.url))).toBe(true);
    expect(down.length).toBeLessThanOrEqual(3 + Math.ceil(downMs / (BACKOFF.maxMs / 2)));

    await h.client.publish('T_rec', { body: 'after-outage' });
    await conditions.until(() => bodies.length === 1, 'message handled after the outage');
    expect(bodies).toEqual(['after-outage']);
  });
});
