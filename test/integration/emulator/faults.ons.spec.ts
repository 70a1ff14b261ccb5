/**
 * Every fault kind on the ONS (2017) front as real clients see it: OnsHttpClient, and raw sockets
 * where the bytes themselves matter. Each test also checks whether the server acted (message stored,
 * deleted, delivered) before the fault, as the rule says.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import {
  MQNetworkError,
  MQServiceError,
  MQTimeoutError,
  OnsHttpClient,
} from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import type { FaultInjector } from '../../../lib/emulator/faults/fault.injector.js';
import { consumeBytes, publishBytes } from './ons-raw.helper.js';
import type { SampleConfig } from './ons-raw.helper.js';

describe('fault injection on the ONS front', () => {
  let emulator: RunningEmulator;
  let ons: OnsHttpClient;
  let topicN = 0;
  let topic = '';
  const cid = 'CID_ons_faults';
  const pid = 'PID_ons_faults';
  const seen: string[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({
      clock: 'virtual',
      faults: { seed: 5 },
      logger: (line) => lines.push(line),
    });
    // Short, so that a withheld answer shows up as a timeout quickly.
    ons = new OnsHttpClient(emulator.endpoint, emulator.credentials, { requestTimeoutMs: 300 });
    (emulator.faults as FaultInjector).onFault((d, r) =>
      seen.push(`${r.front}:${r.operation}:${d.action.kind}`),
    );
  });
  afterAll(async () => {
    await ons.close();
    await emulator.stop();
  });
  beforeEach(() => {
    topic = `TP_ons_faults_${++topicN}`;
  });
  afterEach(() => emulator.faults.clear());

  const bodies = (state?: string): string[] =>
    emulator.admin
      .peek({ topic, ...(state !== undefined ? { state } : {}) })
      .map((m) => String(m.body));
  const groupStats = () =>
    emulator.admin.groups().find((g) => g.topic === topic && g.group === cid);
  const rejection = (p: Promise<unknown>): Promise<any> =>
    p.then(
      () => {
        throw new Error('expected a rejection');
      },
      (err: unknown) => err,
    );
  const sample = (): SampleConfig => ({
    url: emulator.endpoint,
    topic,
    ak: emulator.credentials.accessKeyId,
    sk: emulator.credentials.accessKeySecret,
    pid,
    cid,
  });
  /** Writes one request on a new socket; collects every chunk until the server closes. */
  const rawExchange = (bytes: Buffer, until?: (text: string) => boolean): Promise<Buffer[]> =>
    new Promise((resolve, reject) => {
      const url = new URL(emulator.endpoint);
      const chunks: Buffer[] = [];
      const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (until?.(Buffer.concat(chunks).toString()) === true) socket.destroy();
      });
      socket.on('close', () => resolve(chunks));
      socket.on('error', reject);
    });

  describe('error', () => {
    it('an ONS code with the status asked for, as its {code, info} answer; nothing stored', async () => {
      emulator.faults.add({
        match: { front: 'ons', operation: 'publish', topic },
        count: 1,
        action: { kind: 'error', code: 'INTERNAL_ERROR', status: 503, message: 'try later' },
      });
      const err = await rejection(ons.publish(topic, pid, { body: 'one' }));
      expect(err).toBeInstanceOf(MQServiceError);
      expect(err).toMatchObject({ code: 'INTERNAL_ERROR', status: 503, retryable: true });
      expect(String(err.message)).toContain('try later');
      expect(bodies()).toEqual([]);
      await ons.publish(topic, pid, { body: 'two' });
      expect(bodies()).toEqual(['two']);
    });

    it('a code of your own on a consume, and a rule without front mapping an MQ code by status', async () => {
      await ons.publish(topic, pid, { body: 'waiting' });
      emulator.faults.add({
        match: { front: 'ons', operation: 'consume', topic },
        count: 1,
        action: { kind: 'error', code: 'Throttled', status: 429 },
      });
      expect(await rejection(ons.consume(topic, cid))).toMatchObject({
        code: 'Throttled',
        status: 429,
      });
      emulator.faults.add({
        match: { topic },
        count: 1,
        action: { kind: 'error', code: 'InternalError' },
      });
      expect(await rejection(ons.consume(topic, cid))).toMatchObject({
        code: 'INTERNAL_ERROR',
        status: 500,
      });
      expect(bodies('ready')).toEqual(['waiting']);
      expect(await ons.consume(topic, cid)).toHaveLength(1);
    });
  });

  it('delay: the call succeeds after the added latency', async () => {
    emulator.faults.add({
      match: { front: 'ons', topic },
      count: 1,
      action: { kind: 'delay', ms: 30 },
    });
    await ons.publish(topic, pid, { body: 'late' });
    expect(bodies()).toEqual(['late']);
  });

  it('reset before acting: a network error, and nothing was stored', async () => {
    emulator.faults.add({
      match: { front: 'ons', topic },
      count: 1,
      action: { kind: 'reset', when: 'before' },
    });
    expect(await rejection(ons.publish(topic, pid, { body: 'lost' }))).toBeInstanceOf(
      MQNetworkError,
    );
    expect(bodies()).toEqual([]);
  });

  it('reset after a consume: the delivery happened, it comes back after the invisibility', async () => {
    await ons.publish(topic, pid, { body: 'delivered into the void' });
    emulator.faults.add({
      match: { front: 'ons', operation: 'consume', topic },
      count: 1,
      action: { kind: 'reset', when: 'after' },
    });
    expect(await rejection(ons.consume(topic, cid))).toBeInstanceOf(MQNetworkError);
    expect(groupStats()).toMatchObject({ ready: 0, inflight: 1 });
    emulator.admin.advance(300_000);
    const [again] = await ons.consume(topic, cid);
    expect(again?.reconsumeTimes).toBe(1);
  });

  it('drop after a delete: no answer (the client times out), but the delete took effect', async () => {
    await ons.publish(topic, pid, { body: 'to delete' });
    const [message] = await ons.consume(topic, cid);
    emulator.faults.add({ match: { front: 'ons', operation: 'ack' }, action: { kind: 'drop' } });
    const err = await rejection(ons.delete(topic, cid, message!.msgHandle));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(groupStats()).toMatchObject({ ready: 0, inflight: 0 });
    emulator.admin.advance(300_000);
    expect(await ons.consume(topic, cid)).toEqual([]);
  });

  it('stall after a publish: the client times out, the message was stored', async () => {
    emulator.faults.add({ match: { front: 'ons', topic }, action: { kind: 'stall' } });
    expect(await rejection(ons.publish(topic, pid, { body: 'stalled' }))).toBeInstanceOf(
      MQTimeoutError,
    );
    expect(bodies()).toEqual(['stalled']);
    // On the wire: the status line and headers, ended by the blank line, then no body.
    const chunks = await rawExchange(publishBytes(sample()), (t) => t.includes('\r\n\r\n'));
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/^HTTP\/1\.1 201 /);
    expect(Number(/content-length: (\d+)/i.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('trickle after a consume: the whole answer, one byte at a time, then the connection closes', async () => {
    await ons.publish(topic, pid, { body: 'slowly' });
    emulator.faults.add({
      match: { front: 'ons', operation: 'consume', topic },
      action: { kind: 'trickle', intervalMs: 1 },
    });
    const chunks = await rawExchange(consumeBytes(sample()));
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toMatch(/connection: close/i);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    expect(Number(/content-length: (\d+)/i.exec(text)?.[1])).toBe(Buffer.byteLength(body));
    expect((JSON.parse(body) as { body: string }[])[0]?.body).toBe('slowly');
    expect(chunks.length).toBeGreaterThan(body.length / 2);
    expect(groupStats()).toMatchObject({ inflight: 1 });
  });

  it('counts every injected fault and tells onFault listeners, with the ONS operations', () => {
    const { injected } = emulator.faults.stats();
    expect(injected.total).toBe(seen.length);
    expect(injected.byKind).toEqual({
      error: 3,
      delay: 1,
      reset: 2,
      drop: 1,
      stall: 2,
      trickle: 1,
    });
    expect(new Set(seen)).toEqual(
      new Set([
        'ons:publish:error',
        'ons:consume:error',
        'ons:publish:delay',
        'ons:publish:reset',
        'ons:consume:reset',
        'ons:ack:drop',
        'ons:publish:stall',
        'ons:consume:trickle',
      ]),
    );
    // The log line has the status of the answer the fault withheld, and the fault.
    expect(lines).toContainEqual(
      expect.stringMatching(/POST \/message\/\?\S+ 201 fault=f\d+:stall /),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/POST \/message\/\?\S+ 503 INTERNAL_ERROR fault=f\d+:error /),
    );
  });
});
