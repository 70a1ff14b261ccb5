/**
 * Every fault kind as real clients see it against the real emulator: our MQClient, the unchanged
 * official SDK, and raw sockets where the bytes themselves matter. Each test also checks whether
 * the server acted (message stored, acked, delivered) before the fault, as the rule says.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import MQ from '@aliyunmq/mq-http-sdk';
import { connect } from 'node:net';
import {
  MQClient,
  MQNetworkError,
  MQServiceError,
  MQTimeoutError,
} from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import { signedRequestBytes } from './raw-http.helper.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';

describe('fault injection seen by real clients', () => {
  let emulator: RunningEmulator;
  let client: MQClient;
  let topicN = 0;
  let topic = '';
  const group = 'GID_faults';

  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual', faults: { seed: 1 } });
    client = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
      // Generous, so that answered calls succeed on a loaded machine; the calls whose answer is
      // withheld shorten their deadline (timeoutMs) so that the timeout shows up quickly.
      requestTimeoutMs: 5_000,
    });
  });
  afterAll(async () => {
    await client.close();
    await emulator.stop();
  });
  beforeEach(() => {
    topic = `faults-${++topicN}`;
  });
  afterEach(() => emulator.faults.clear());

  const stored = (state?: string): number =>
    emulator.admin.peek({ topic, ...(state !== undefined ? { state } : {}) }).length;
  const groupStats = () =>
    emulator.admin.groups().find((g) => g.topic === topic && g.group === group);
  const rejection = async (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      () => {
        throw new Error('expected a rejection');
      },
      (err: unknown) => err,
    );

  it('error: answered with the code and status asked for, nothing stored', async () => {
    emulator.faults.add({
      match: { operation: 'publish', topic },
      count: 1,
      action: { kind: 'error', code: 'InternalError', status: 503 },
    });
    const err = await rejection(client.publish(topic, { body: 'one' }));
    expect(err).toBeInstanceOf(MQServiceError);
    expect(err).toMatchObject({ code: 'InternalError', status: 503, retryable: true });
    expect(stored()).toBe(0);
    // count: 1 — the next publish goes through.
    await client.publish(topic, { body: 'two' });
    expect(stored()).toBe(1);
  });

  it('error: throttling on consume, the message stays ready', async () => {
    await client.publish(topic, { body: 'waiting' });
    emulator.faults.add({
      match: { operation: 'consume', group },
      count: 1,
      action: { kind: 'error', code: 'QpsLimitExceeded' },
    });
    const err = await rejection(client.consume(topic, group));
    expect(err).toMatchObject({ code: 'QpsLimitExceeded', status: 429, retryable: true });
    expect(stored('ready')).toBe(1);
    expect(await client.consume(topic, group)).toHaveLength(1);
  });

  it('delay: the call succeeds after the added latency', async () => {
    const id = emulator.faults.add({ match: { topic }, action: { kind: 'delay', ms: 50 } });
    const { messageId } = await client.publish(topic, { body: 'late' });
    expect(emulator.admin.peek({ topic })[0]?.messageId).toBe(messageId);
    expect(emulator.faults.stats().rules.find((r) => r.id === id)?.hits).toBe(1);
  });

  it('reset before acting: a network error, and nothing was stored', async () => {
    emulator.faults.add({ match: { topic }, count: 1, action: { kind: 'reset', when: 'before' } });
    const err = await rejection(client.publish(topic, { body: 'lost' }));
    expect(err).toBeInstanceOf(MQNetworkError);
    expect(stored()).toBe(0);
  });

  it('reset after acting: a network error, but the message was stored', async () => {
    emulator.faults.add({ match: { topic }, count: 1, action: { kind: 'reset', when: 'after' } });
    const err = await rejection(client.publish(topic, { body: 'kept' }));
    expect(err).toBeInstanceOf(MQNetworkError);
    expect(emulator.admin.peek({ topic }).map((m) => m.body)).toEqual(['kept']);
  });

  it('drop after acting: no answer ever (the client times out), but the ack took effect', async () => {
    await client.publish(topic, { body: 'to ack' });
    const [message] = await client.consume(topic, group);
    emulator.faults.add({ match: { operation: 'ack', topic }, action: { kind: 'drop' } });
    const err = await rejection(
      client.ack(topic, group, [message!.receiptHandle], { timeoutMs: 300 }),
    );
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(groupStats()).toMatchObject({ ready: 0, inflight: 0 });
    // Acked for good: not back after the invisibility window.
    emulator.admin.advance(300_000);
    expect(await client.consume(topic, group)).toEqual([]);
  });

  it('stall after acting: headers but no body (the client times out), the message was stored', async () => {
    emulator.faults.add({ match: { operation: 'publish', topic }, action: { kind: 'stall' } });
    const err = await rejection(client.publish(topic, { body: 'stalled' }, { timeoutMs: 300 }));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(emulator.admin.peek({ topic }).map((m) => m.body)).toEqual(['stalled']);
  });

  it('reset after a consume: the delivery happened, it comes back after the invisibility window', async () => {
    await client.publish(topic, { body: 'delivered into the void' });
    emulator.faults.add({
      match: { operation: 'consume', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    const err = await rejection(client.consume(topic, group));
    expect(err).toBeInstanceOf(MQNetworkError);
    expect(groupStats()).toMatchObject({ ready: 0, inflight: 1 });
    emulator.admin.advance(300_000);
    const [again] = await client.consume(topic, group);
    expect(again?.consumedTimes).toBe(2);
  });

  it('trickle after acting: the whole answer arrives, one byte at a time', async () => {
    emulator.faults.add({ match: { topic }, action: { kind: 'trickle', intervalMs: 1 } });
    // The client's deadline covers the whole call: 5 s leave room for a byte per ms.
    const { messageId } = await client.publish(topic, { body: 'slowly' });
    expect(emulator.admin.peek({ topic })[0]?.messageId).toBe(messageId);

    // Over a raw socket: the headers at once, then the body in one-byte chunks.
    const url = new URL(emulator.endpoint);
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          signedRequestBytes(
            {
              ...emulator.credentials,
              method: 'GET',
              target: `/topics/${topic}/messages?consumer=${group}&numOfMessages=1&ns=${emulator.instanceId}`,
            },
            url.host,
          ),
        );
      });
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      // After the last byte the emulator closes (the answer said `connection: close`).
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toMatch(/connection: close/i);
    expect(text).toContain('<MessageBody>slowly</MessageBody>');
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    expect(Number(/content-length: (\d+)/i.exec(text)?.[1])).toBe(Buffer.byteLength(body));
    expect(chunks.length).toBeGreaterThan(body.length / 2);
  });

  it('counts every injected fault by kind', () => {
    const { injected } = emulator.faults.stats();
    expect(injected.byKind).toMatchObject({
      error: 2,
      delay: 1,
      reset: 3,
      drop: 1,
      stall: 1,
    });
    expect(injected.byKind.trickle).toBeGreaterThanOrEqual(1);
    expect(injected.total).toBe(Object.values(injected.byKind).reduce((sum, n) => sum + n, 0));
  });

  describe('the official SDK', () => {
    let sdk: InstanceType<typeof MQ.MQClient>;
    beforeAll(() => {
      sdk = new MQ.MQClient(
        emulator.endpoint,
        emulator.credentials.accessKeyId,
        emulator.credentials.accessKeySecret,
      );
    });

    it('sees an injected 503 as the service error it names', async () => {
      emulator.faults.add({
        match: { operation: 'publish', topic },
        count: 1,
        action: { kind: 'error', code: 'InternalError', status: 503 },
      });
      const err = await rejection(sdk.getProducer(emulator.instanceId, topic).publishMessage('x'));
      expect(err).toMatchObject({ Code: 'InternalError' });
      expect(stored()).toBe(0);
    });

    it('sees a reset after acting as a connection error, the message stored', async () => {
      emulator.faults.add({ match: { topic }, count: 1, action: { kind: 'reset', when: 'after' } });
      const err = await rejection(sdk.getProducer(emulator.instanceId, topic).publishMessage('y'));
      expect(String((err as Error).message ?? err)).toMatch(/ECONNRESET|socket hang up/);
      expect(stored()).toBe(1);
    });
  });
});
