/**
 * No stranded messages: a long poll whose client has gone takes nothing, and messages handed to a
 * poll whose answer can no longer be written are ready again at once, attempt not counted (instead
 * of waiting out the 5-minute invisibility window).
 *
 * The races are made deterministic by driving the broker in-process: in one synchronous block the
 * test closes the poll's socket and publishes, so the broker hands the message to the poll before
 * the server has read the close.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import MQ from '@aliyunmq/mq-http-sdk';
import { MQClient } from '../../../lib/client/index.js';
import { AdminAccess } from '../../../lib/emulator/admin/admin.access.js';
import { createEmulatorAdmin } from '../../../lib/emulator/admin/emulator-admin.js';
import { Broker } from '../../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import {
  DEFAULT_TIMINGS,
  DEV_CREDENTIALS,
} from '../../../lib/emulator/config/emulator.defaults.js';
import { FaultInjector } from '../../../lib/emulator/faults/fault.injector.js';
import { createEmulatorLog } from '../../../lib/emulator/http/http.log.js';
import { EmulatorHttpServer } from '../../../lib/emulator/http/http.server.js';
import { ResponseReader } from './raw-http.helper.js';

const NS = 'MQ_INST_stranded';

describe('no stranded messages when a long-poll client goes away', () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const broker = new Broker({ clock, timings: { ...DEFAULT_TIMINGS }, autoCreate: true });
  const admin = createEmulatorAdmin(broker, clock, NS);
  const faults = new FaultInjector({ seed: 1 });
  const server = new EmulatorHttpServer({
    broker,
    clock,
    auth: 'off',
    credentials: [DEV_CREDENTIALS],
    maxDateSkewMs: DEFAULT_TIMINGS.maxDateSkewMs,
    maxWaitSeconds: DEFAULT_TIMINGS.maxWaitSeconds,
    headersTimeoutMs: DEFAULT_TIMINGS.headersTimeoutMs,
    requestTimeoutMs: DEFAULT_TIMINGS.requestTimeoutMs,
    log: createEmulatorLog(),
    faults,
    admin: {
      admin,
      faults,
      instanceId: NS,
      clockMode: 'virtual',
      auth: 'off',
      retention: () => broker.retention(),
      access: new AdminAccess(undefined),
      console: undefined,
    },
  });
  let endpoint = '';
  let port = 0;
  let n = 0;
  let topic = '';

  beforeAll(async () => {
    endpoint = await server.listen(0, '127.0.0.1');
    port = Number(new URL(endpoint).port);
  });
  afterAll(async () => {
    server.stopAccepting();
    await broker.close();
    server.closeAllConnections();
  });
  afterEach(() => faults.clear());

  const nextTopic = (): string => (topic = `stranded-${++n}`);
  const group = 'GID_stranded';
  const parked = async (): Promise<number> =>
    ((await (await fetch(`${endpoint}/_emulator/health`)).json()) as { longPolls: number })
      .longPolls;
  const until = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 5_000; i++) {
      if (await check()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`never: ${what}`);
  };
  const stats = () => admin.groups().find((g) => g.topic === topic && g.group === group);
  const publishInProcess = (body: string): void => {
    broker.publish(NS, topic, { body, properties: new Map() });
  };
  const openPoll = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `GET /topics/${topic}/messages?consumer=${group}&ns=${NS}&numOfMessages=16&waitseconds=30 HTTP/1.1\r\nHost: x\r\n\r\n`,
        );
        resolve(socket);
      });
      socket.on('error', () => undefined);
      socket.once('error', reject);
    });
  /** The next consumer gets the message as a first delivery. */
  const expectFirstDeliveryNext = async (body: string): Promise<void> => {
    const socket = await new Promise<Socket>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
    });
    const reader = new ResponseReader(socket);
    socket.write(
      `GET /topics/${topic}/messages?consumer=${group}&ns=${NS}&numOfMessages=16 HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    const res = await reader.next();
    socket.destroy();
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<MessageBody>${body}</MessageBody>`);
    expect(res.body).toContain('<ConsumedTimes>1</ConsumedTimes>');
  };

  it('a poll whose client left takes nothing; the message waits for the next consumer', async () => {
    nextTopic();
    const socket = await openPoll();
    await until('the poll is parked', async () => (await parked()) === 1);
    socket.destroy();
    await until('the poll has ended', async () => (await parked()) === 0);
    publishInProcess('after the client left');
    expect(stats()).toMatchObject({ ready: 1, inflight: 0 });
    await expectFirstDeliveryNext('after the client left');
  });

  it('messages handed to a poll whose client closed in the same instant are ready again', async () => {
    nextTopic();
    const socket = await openPoll();
    await until('the poll is parked', async () => (await parked()) === 1);
    // The FIN is on its way; the broker serves the poll before the server reads it.
    socket.destroy();
    publishInProcess('raced a FIN');
    await until('the delivery is handed back', () => stats()?.inflight === 0);
    expect(stats()).toMatchObject({ ready: 1, inflight: 0 });
    await expectFirstDeliveryNext('raced a FIN');
  });

  it('messages whose answer cannot be written (connection reset) are ready again', async () => {
    nextTopic();
    const socket = await openPoll();
    await until('the poll is parked', async () => (await parked()) === 1);
    socket.resetAndDestroy();
    publishInProcess('raced a reset');
    await until('the delivery is handed back', () => stats()?.inflight === 0);
    expect(stats()).toMatchObject({ ready: 1, inflight: 0 });
    await expectFirstDeliveryNext('raced a reset');
  });

  it('our client aborting its long poll strands nothing', async () => {
    nextTopic();
    const client = new MQClient(endpoint, DEV_CREDENTIALS, { instanceId: NS });
    try {
      const controller = new AbortController();
      const poll = client.consume(topic, group, { waitSeconds: 30, signal: controller.signal });
      await until('the poll is parked', async () => (await parked()) === 1);
      controller.abort();
      await expect(poll).rejects.toMatchObject({ name: 'AbortError' });
      await until('the poll has ended', async () => (await parked()) === 0);
      await client.publish(topic, { body: 'after abort' });
      const [message] = await client.consume(topic, group);
      expect(message?.consumedTimes).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('an injected fault after acting keeps the delivery in flight (the server acted)', async () => {
    nextTopic();
    publishInProcess('lost on purpose');
    faults.add({ match: { topic }, action: { kind: 'reset', when: 'after' } });
    const sdk = new MQ.MQClient(endpoint, DEV_CREDENTIALS.accessKeyId, 'unused-auth-is-off');
    await expect(sdk.getConsumer(NS, topic, group).consumeMessage(16, 1)).rejects.toBeDefined();
    expect(stats()).toMatchObject({ ready: 0, inflight: 1 });
  });
});
