/**
 * Every fault kind on the gRPC front as real clients see it: the unchanged official RocketMQ 5
 * client, raw @grpc/grpc-js calls through lib/protocol-grpc, and hand-made HTTP/2 exchanges where the
 * frames themselves matter. Each test also checks whether the server acted (message stored, acked,
 * delivered) before the fault, as the rule says.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { FaultInjector } from '../../../lib/emulator/faults/fault.injector.js';
import type { FaultDecision, FaultRequest } from '../../../lib/emulator/faults/fault.types.js';
import { msToDuration } from '../../../lib/protocol-grpc/index.js';
import {
  rmq5Harness,
  type Rmq5Harness,
} from '../../conformance/rocketmq5/official-client.fixture.js';
import { http2Call } from './grpc-http2.helper.js';
import { RawGrpc, receiveResult, type RawIdentity } from './grpc-raw.helper.js';

describe('fault injection on the gRPC front', () => {
  let h: Rmq5Harness;
  let grpc: RawGrpc;
  let who: RawIdentity;
  let topicN = 0;
  let topic = '';
  const group = 'GID_grpc_faults';
  const seen: string[] = [];

  beforeAll(async () => {
    h = await rmq5Harness({ faults: { seed: 3 } });
    who = {
      namespace: h.emulator.instanceId,
      accessKey: h.emulator.credentials.accessKeyId,
      secret: h.emulator.credentials.accessKeySecret,
    };
    grpc = new RawGrpc(h.emulator.grpcEndpoint!, who);
    (h.emulator.faults as FaultInjector).onFault((d: FaultDecision, r: FaultRequest) =>
      seen.push(`${r.front}:${r.operation}:${d.action.kind}`),
    );
  });
  afterAll(async () => {
    grpc.close();
    await h.close();
  });
  beforeEach(() => {
    topic = `grpc-faults-${++topicN}`;
  });
  afterEach(() => h.emulator.faults.clear());

  const message = (body = 'x') => ({
    topic: { name: topic, resourceNamespace: h.emulator.instanceId },
    body: Buffer.from(body),
    systemProperties: {
      messageId: `ID${Math.random().toString(36).slice(2)}`,
      messageType: 'NORMAL',
      bodyEncoding: 'IDENTITY',
    },
  });
  const send = (body = 'x', deadlineMs?: number) =>
    grpc.unary('SendMessage', { messages: [message(body)] }, undefined, {
      ...(deadlineMs !== undefined ? { deadlineMs } : {}),
    });
  const receiveRequest = () => ({
    group: { name: group },
    messageQueue: { topic: { name: topic }, id: 0 },
    filterExpression: { type: 'TAG', expression: '*' },
    batchSize: 16,
    invisibleDuration: msToDuration(30_000),
    longPollingTimeout: msToDuration(0),
  });
  const receive = (deadlineMs?: number) =>
    grpc.receive(receiveRequest(), deadlineMs === undefined ? {} : { deadlineMs });
  const ack = (receiptHandle: string, deadlineMs?: number) =>
    grpc.unary(
      'AckMessage',
      { group: { name: group }, topic: { name: topic }, entries: [{ receiptHandle }] },
      undefined,
      deadlineMs === undefined ? {} : { deadlineMs },
    );
  const bodies = (state?: string): string[] =>
    h.emulator.admin
      .peek({ topic, ...(state !== undefined ? { state } : {}) })
      .map((m) => String(m.body));
  const groupStats = () =>
    h.emulator.admin.groups().find((g) => g.topic === topic && g.group === group);
  const rejection = (p: Promise<unknown>): Promise<any> =>
    p.then(
      () => {
        throw new Error('expected a rejection');
      },
      (err: unknown) => err,
    );

  describe('error', () => {
    it('a RocketMQ code in the response status (gRPC OK), nothing stored; count 1', async () => {
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'publish', topic },
        count: 1,
        action: { kind: 'error', code: 'TOO_MANY_REQUESTS' },
      });
      const res = await send('throttled');
      expect(res.status).toEqual({ code: 'TOO_MANY_REQUESTS', message: 'throttled' });
      expect(bodies()).toEqual([]);
      expect((await send('next')).status.code).toBe('OK');
      expect(bodies()).toEqual(['next']);
    });

    it('a gRPC status name ends the receive with that status; the message stays ready', async () => {
      await send('waiting');
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'consume', group },
        count: 1,
        action: { kind: 'error', code: 'UNAVAILABLE', message: 'proxy restarting' },
      });
      const err = await rejection(receive());
      expect(err).toMatchObject({ code: GrpcStatus.UNAVAILABLE, details: 'proxy restarting' });
      expect(bodies('ready')).toEqual(['waiting']);
      expect(receiveResult(await receive()).messages).toHaveLength(1);
    });

    it('MESSAGE_NOT_FOUND on a consume: an empty receive although a message is ready', async () => {
      await send('hidden');
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'consume', topic },
        count: 1,
        action: { kind: 'error', code: 'MESSAGE_NOT_FOUND' },
      });
      const empty = receiveResult(await receive());
      expect(empty.status.code).toBe('MESSAGE_NOT_FOUND');
      expect(empty.messages).toEqual([]);
      expect(bodies('ready')).toEqual(['hidden']);
    });

    it('a rule without front: an MQ HTTP code maps by its status (503 → INTERNAL_SERVER_ERROR)', async () => {
      h.emulator.faults.add({
        match: { topic },
        count: 1,
        action: { kind: 'error', code: 'InternalError', status: 503 },
      });
      expect((await send()).status.code).toBe('INTERNAL_SERVER_ERROR');
    });

    it('the official Producer sees the code (and retries it as it does for every failure)', async () => {
      const producer = await h.producer({ topic, maxAttempts: 2 });
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'publish', topic },
        count: 2,
        action: { kind: 'error', code: 'INTERNAL_SERVER_ERROR', message: 'broker busy' },
      });
      const err = await rejection(producer.send({ topic, body: Buffer.from('lost') }));
      expect(err).toMatchObject({ name: 'InternalErrorException', code: 50001 });
      expect(String(err.message)).toContain('broker busy');
      expect(bodies()).toEqual([]);
      // Both attempts took a hit; the third send passes.
      await producer.send({ topic, body: Buffer.from('kept') });
      expect(bodies()).toEqual(['kept']);
    });
  });

  it('delay: the call succeeds after the added latency', async () => {
    const id = h.emulator.faults.add({
      match: { front: 'grpc', topic },
      count: 1,
      action: { kind: 'delay', ms: 30 },
    });
    expect((await send('late')).status.code).toBe('OK');
    expect(bodies()).toEqual(['late']);
    expect(h.emulator.faults.stats().rules.find((r) => r.id === id)?.hits).toBe(1);
  });

  describe('reset (RST_STREAM: the call fails with gRPC INTERNAL, the connection lives on)', () => {
    it('before acting: nothing stored', async () => {
      h.emulator.faults.add({
        match: { front: 'grpc', topic },
        count: 1,
        action: { kind: 'reset', when: 'before' },
      });
      const err = await rejection(send('never'));
      expect(err).toMatchObject({ code: GrpcStatus.INTERNAL });
      expect(String(err.details)).toContain('RST_STREAM');
      expect(bodies()).toEqual([]);
      // The same channel goes on working.
      expect((await send('after')).status.code).toBe('OK');
    });

    it('after acting: the message is stored', async () => {
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'publish', topic },
        count: 1,
        action: { kind: 'reset', when: 'after' },
      });
      expect(await rejection(send('kept'))).toMatchObject({ code: GrpcStatus.INTERNAL });
      expect(bodies()).toEqual(['kept']);
    });

    it('after acting, the official Producer retries: its message id makes the retry a no-op', async () => {
      const producer = await h.producer({ topic });
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'publish', topic },
        count: 1,
        action: { kind: 'reset', when: 'after' },
      });
      const from = h.lines.length;
      const receipt = await producer.send({ topic, body: Buffer.from('once') });
      expect(h.emulator.admin.peek({ topic }).map((m) => m.messageId)).toEqual([receipt.messageId]);
      const sends = h.lines.slice(from).filter((l) => l.includes('gRPC SendMessage'));
      expect(sends).toEqual([
        expect.stringMatching(/SendMessage OK fault=f\d+:reset /),
        expect.stringMatching(/SendMessage OK \d/),
      ]);
    });

    it('after a receive: the messages were delivered and stay in flight until invisible time ends', async () => {
      await send('into the void');
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'consume', topic },
        count: 1,
        action: { kind: 'reset', when: 'after' },
      });
      expect(await rejection(receive())).toMatchObject({ code: GrpcStatus.INTERNAL });
      expect(groupStats()).toMatchObject({ ready: 0, inflight: 1 });
      h.emulator.admin.advance(30_000);
      const [again] = receiveResult(await receive()).messages;
      expect(again?.systemProperties.deliveryAttempt).toBe(2);
    });
  });

  it('drop after an ack: no answer (the deadline fires), but the ack took effect', async () => {
    await send('to ack');
    const [m] = receiveResult(await receive()).messages;
    h.emulator.faults.add({
      match: { front: 'grpc', operation: 'ack', topic },
      action: { kind: 'drop' },
    });
    const err = await rejection(ack(m!.systemProperties.receiptHandle, 300));
    expect(err).toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
    expect(groupStats()).toMatchObject({ ready: 0, inflight: 0 });
    h.emulator.admin.advance(60_000);
    expect(receiveResult(await receive()).messages).toEqual([]);
  });

  it('drop after a receive: the client times out, the message stays in flight (not given back)', async () => {
    await send('dropped');
    h.emulator.faults.add({
      match: { front: 'grpc', operation: 'consume', topic },
      count: 1,
      action: { kind: 'drop' },
    });
    expect(await rejection(receive(300))).toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
    expect(groupStats()).toMatchObject({ ready: 0, inflight: 1 });
  });

  describe('in HTTP/2 terms', () => {
    const call = (method: string, request: object, timeoutMs = 10_000) =>
      http2Call(h.emulator.grpcEndpoint!, method, request, grpc.metadata(), timeoutMs);

    it('reset: RST_STREAM INTERNAL_ERROR, no headers, no trailers', async () => {
      h.emulator.faults.add({
        match: { front: 'grpc', topic },
        action: { kind: 'reset', when: 'before' },
      });
      const ex = await call('SendMessage', { messages: [message()] });
      expect(ex).toMatchObject({ headers: undefined, trailers: undefined, rstCode: 2 });
    });

    it('drop: nothing until the deadline, then grpc-js answers DEADLINE_EXCEEDED (trailers only)', async () => {
      h.emulator.faults.add({ match: { front: 'grpc', topic }, action: { kind: 'drop' } });
      const ex = await call('SendMessage', { messages: [message('stored')] }, 200);
      expect(ex.headers).toBeUndefined();
      expect(ex.chunks).toEqual([]);
      expect(ex.trailers?.['grpc-status']).toBe(String(GrpcStatus.DEADLINE_EXCEEDED));
      expect(bodies()).toEqual(['stored']);
    });

    it('stall: the response headers, then no message until the deadline', async () => {
      h.emulator.faults.add({ match: { front: 'grpc', topic }, action: { kind: 'stall' } });
      const ex = await call('SendMessage', { messages: [message('stalled')] }, 200);
      expect(ex.headers?.[':status']).toBe(200);
      expect(ex.headers?.['content-type']).toBe('application/grpc+proto');
      expect(ex.chunks).toEqual([]);
      expect(ex.trailers?.['grpc-status']).toBe(String(GrpcStatus.DEADLINE_EXCEEDED));
      expect(bodies()).toEqual(['stalled']);
    });

    it('trickle on a receive: headers, every frame byte by byte, then OK trailers', async () => {
      await grpc.unary('SendMessage', { messages: [message('slowly')] });
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'consume', topic },
        action: { kind: 'trickle', intervalMs: 1 },
      });
      const ex = await call('ReceiveMessage', receiveRequest());
      expect(ex.headers?.[':status']).toBe(200);
      expect(ex.trailers?.['grpc-status']).toBe('0');
      expect(ex.responses.map((r) => r.content)).toEqual([
        'status',
        'message',
        'deliveryTimestamp',
      ]);
      expect(ex.responses[1]!.message.body.toString()).toBe('slowly');
      const total = ex.chunks.reduce((n, c) => n + c.length, 0);
      // One byte per DATA frame (the client may read two that arrived together as one chunk).
      expect(ex.chunks.length).toBeGreaterThan(total / 2);
      expect(groupStats()).toMatchObject({ inflight: 1 });
    });

    it('trickle on a unary call: a gRPC client gets the whole answer', async () => {
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'queryRoute', topic },
        action: { kind: 'trickle', intervalMs: 1 },
      });
      const route = await grpc.unary('QueryRoute', { topic: { name: topic } });
      expect(route.status.code).toBe('OK');
      expect(route.messageQueues[0].topic.name).toBe(topic);
    });
  });

  describe('Telemetry (one decision per settings command)', () => {
    const settings = () => ({
      settings: {
        clientType: 'PRODUCER',
        requestTimeout: msToDuration(3_000),
        publishing: { topics: [{ name: topic }] },
      },
    });
    /** Sends settings and resolves with the first command back, or the stream's end or error. */
    const handshake = (waitMs = 10_000) =>
      new Promise<{ reply?: Record<string, any>; error?: any; silent?: true }>((resolve) => {
        const stream = grpc.telemetry();
        const timer = setTimeout(() => {
          stream.cancel();
          resolve({ silent: true });
        }, waitMs);
        const done = (r: { reply?: Record<string, any>; error?: any }): void => {
          clearTimeout(timer);
          stream.removeAllListeners('data');
          stream.on('error', () => undefined);
          stream.end();
          resolve(r);
        };
        stream.on('data', (reply: Record<string, any>) => done({ reply }));
        stream.on('error', (error: unknown) => done({ error }));
        stream.write(settings());
      });

    it('error: a status-only command, or a gRPC status ending the stream', async () => {
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'telemetry', topic },
        count: 1,
        action: { kind: 'error', code: 'TOO_MANY_REQUESTS' },
      });
      const refused = await handshake();
      expect(refused.reply?.status.code).toBe('TOO_MANY_REQUESTS');
      expect(refused.reply?.command).toBe(undefined);
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'telemetry', topic },
        count: 1,
        action: { kind: 'error', code: 'UNAVAILABLE' },
      });
      expect((await handshake()).error).toMatchObject({ code: GrpcStatus.UNAVAILABLE });
      expect((await handshake()).reply?.status.code).toBe('OK');
    });

    it('reset and drop: the stream is reset, or stays silent', async () => {
      const rule = h.emulator.faults.add({
        match: { front: 'grpc', operation: 'telemetry', topic },
        action: { kind: 'reset', when: 'after' },
      });
      expect((await handshake()).error).toMatchObject({ code: GrpcStatus.INTERNAL });
      h.emulator.faults.remove(rule);
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'telemetry', topic },
        action: { kind: 'drop' },
      });
      expect(await handshake(200)).toEqual({ silent: true });
    });

    it('trickle: the settings reply arrives whole', async () => {
      h.emulator.faults.add({
        match: { front: 'grpc', operation: 'telemetry', topic },
        action: { kind: 'trickle', intervalMs: 1 },
      });
      const { reply } = await handshake();
      expect(reply?.status.code).toBe('OK');
      expect(reply?.settings.publishing).toBeTruthy();
    });
  });

  it('counts every injected fault and tells onFault listeners, with the gRPC operation names', () => {
    const { injected } = h.emulator.faults.stats();
    expect(injected.total).toBe(seen.length);
    for (const kind of ['error', 'delay', 'reset', 'drop', 'stall', 'trickle'] as const) {
      expect(injected.byKind[kind]).toBeGreaterThan(0);
    }
    expect(new Set(seen)).toEqual(
      new Set([
        'grpc:publish:error',
        'grpc:consume:error',
        'grpc:publish:delay',
        'grpc:publish:reset',
        'grpc:consume:reset',
        'grpc:ack:drop',
        'grpc:consume:drop',
        'grpc:publish:drop',
        'grpc:publish:stall',
        'grpc:consume:trickle',
        'grpc:queryRoute:trickle',
        'grpc:telemetry:error',
        'grpc:telemetry:reset',
        'grpc:telemetry:drop',
        'grpc:telemetry:trickle',
      ]),
    );
  });
});
