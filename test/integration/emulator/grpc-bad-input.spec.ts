/**
 * What the gRPC front answers to requests no official client would send: the RocketMQ status the
 * proxy returns (inside the response, gRPC OK), or the gRPC status for transport-level faults, and
 * the emulator keeps serving afterwards. Strict mode: only declared topics and groups exist.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { startEmulator, type RunningEmulator } from '../../../lib/emulator/index.js';
import { bodyDigest, buildAuthorization, msToDuration } from '../../../lib/protocol-grpc/index.js';
import { RawGrpc, receiveResult, type RawIdentity } from './grpc-raw.helper.js';

describe("gRPC front: bad input gets the proxy's answer, never a crash", () => {
  let emulator: RunningEmulator;
  let grpc: RawGrpc;
  let who: RawIdentity;

  const message = (overrides: Record<string, any> = {}, sp: Record<string, any> = {}) => ({
    topic: { name: 'orders' },
    body: Buffer.from('x'),
    systemProperties: {
      messageId: `ID${Math.random().toString(36).slice(2)}`,
      messageType: 'NORMAL',
      ...sp,
    },
    ...overrides,
  });
  const send = (m: object) => grpc.unary('SendMessage', { messages: [m] });
  const receiveRequest = (overrides: Record<string, any> = {}) => ({
    group: { name: 'GID_orders' },
    messageQueue: { topic: { name: 'orders' }, id: 0 },
    filterExpression: { type: 'TAG', expression: '*' },
    batchSize: 16,
    invisibleDuration: msToDuration(30_000),
    longPollingTimeout: msToDuration(0),
    ...overrides,
  });

  beforeAll(async () => {
    emulator = await startEmulator({
      grpcPort: 0,
      clock: 'virtual',
      autoCreate: false,
      topics: [{ name: 'orders', type: 'normal' }, { name: 'quiet' }],
      groups: [{ id: 'GID_orders' }],
    });
    who = {
      namespace: emulator.instanceId,
      accessKey: emulator.credentials.accessKeyId,
      secret: emulator.credentials.accessKeySecret,
    };
    grpc = new RawGrpc(emulator.grpcEndpoint!, who);
  });
  afterAll(async () => {
    grpc.close();
    await emulator.stop();
  });

  it('refuses unauthenticated calls with UNAUTHORIZED and calls without a client id', async () => {
    const route = { topic: { name: 'orders' } };
    const unauthorized = async (identity: RawIdentity) =>
      (await grpc.unary('QueryRoute', route, identity)).status;
    expect(await unauthorized({ namespace: who.namespace })).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('username cannot be null'),
    });
    expect(await unauthorized({ ...who, secret: 'wrong' })).toEqual({
      code: 'UNAUTHORIZED',
      message: 'check signature failed.',
    });
    expect(await unauthorized({ ...who, accessKey: 'nobody' })).toEqual({
      code: 'UNAUTHORIZED',
      message: 'User:nobody is not found.',
    });
    expect(await unauthorized({ ...who, authorization: 'garbage' })).toEqual({
      code: 'UNAUTHORIZED',
      message: 'authentication header is incorrect.',
    });
    const signedForAnotherTime = buildAuthorization(
      who.accessKey!,
      who.secret!,
      '20200101T000000Z',
    );
    expect((await unauthorized({ ...who, authorization: signedForAnotherTime })).message).toBe(
      'check signature failed.',
    );
    expect((await grpc.unary('QueryRoute', route, { ...who, clientId: '' })).status).toEqual({
      code: 'CLIENT_ID_REQUIRED',
      message: 'client id cannot be empty',
    });
  });

  it('answers a malformed frame with gRPC INTERNAL and a huge one with RESOURCE_EXHAUSTED', async () => {
    await expect(
      grpc.rawUnary('SendMessage', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])),
    ).rejects.toMatchObject({
      code: GrpcStatus.INTERNAL,
    });
    await expect(send(message({ body: Buffer.alloc(9 * 1024 * 1024, 1) }))).rejects.toMatchObject({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
    });
  });

  it('answers unknown topics and groups in strict mode with NOT_FOUND codes', async () => {
    expect((await grpc.unary('QueryRoute', { topic: { name: 'nope' } })).status.code).toBe(
      'TOPIC_NOT_FOUND',
    );
    expect((await send(message({ topic: { name: 'nope' } }))).status.code).toBe('TOPIC_NOT_FOUND');
    const frames = await grpc.receive(receiveRequest({ group: { name: 'GID_nope' } }));
    expect(receiveResult(frames).status.code).toBe('CONSUMER_GROUP_NOT_FOUND');
    // The proxy's stream shape for an error: the status, then the delivery timestamp.
    expect(frames.map((f) => f.content)).toEqual(['status', 'deliveryTimestamp']);
  });

  it('validates messages as the proxy does', async () => {
    const code = async (m: object) => (await send(m)).status.code;
    expect(await code(message({}, { messageId: '' }))).toBe('ILLEGAL_MESSAGE_ID');
    expect(await code(message({ body: Buffer.alloc(0) }))).toBe('MESSAGE_BODY_EMPTY');
    expect(await code(message({ body: Buffer.alloc(4 * 1024 * 1024 + 1, 0x61) }))).toBe(
      'MESSAGE_BODY_TOO_LARGE',
    );
    expect(await code(message({}, { tag: 'a|b' }))).toBe('ILLEGAL_MESSAGE_TAG');
    expect(await code(message({}, { keys: [' '] }))).toBe('ILLEGAL_MESSAGE_KEY');
    expect(await code(message({ userProperties: { KEYS: 'x' } }))).toBe(
      'ILLEGAL_MESSAGE_PROPERTY_KEY',
    );
    expect(await code(message({ userProperties: { k: 'x\uFFFE' } }))).toBe(
      'ILLEGAL_MESSAGE_PROPERTY_KEY',
    );
    expect(await code(message({ userProperties: { 'a:b': 'x' } }))).toBe(
      'ILLEGAL_MESSAGE_PROPERTY_KEY',
    );
    expect(await code(message({ topic: { name: 'bad topic' } }))).toBe('ILLEGAL_TOPIC');
    expect(await code(message({}, { messageType: 'FIFO' }))).toBe(
      'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
    );
    // A FIFO message to a topic declared normal.
    expect(await code(message({}, { messageType: 'FIFO', messageGroup: 'g' }))).toBe(
      'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
    );
    expect(await code(message({}, { messageType: 'PRIORITY' }))).toBe('NOT_IMPLEMENTED');
    expect(await code(message({}, { bodyDigest: { type: 'MD5', checksum: '00' } }))).toBe(
      'MESSAGE_CORRUPTED',
    );
    expect(await code(message({}, { bodyDigest: bodyDigest('CRC32', Buffer.from('x')) }))).toBe(
      'OK',
    );
    expect((await grpc.unary('SendMessage', { messages: [] })).status.code).toBe(
      'MESSAGE_CORRUPTED',
    );
  });

  it('validates receives, acks and invisibility changes', async () => {
    const status = async (o: Record<string, any>) =>
      receiveResult(await grpc.receive(receiveRequest(o))).status;
    expect((await status({ invisibleDuration: msToDuration(1_000) })).code).toBe(
      'ILLEGAL_INVISIBLE_TIME',
    );
    expect((await status({ invisibleDuration: null })).code).toBe('ILLEGAL_INVISIBLE_TIME');
    expect((await status({ batchSize: 0 })).code).toBe('BAD_REQUEST');
    expect((await status({ filterExpression: { type: 'SQL', expression: 'a > 1' } })).code).toBe(
      'NOT_IMPLEMENTED',
    );
    expect(await status({ messageQueue: { topic: { name: 'quiet' } } })).toEqual({
      code: 'MESSAGE_NOT_FOUND',
      message: 'no new message',
    });

    const ack = await grpc.unary('AckMessage', {
      group: { name: 'GID_orders' },
      topic: { name: 'orders' },
      entries: [{ messageId: 'M', receiptHandle: 'garbage' }],
    });
    expect(ack.status.code).toBe('INVALID_RECEIPT_HANDLE');
    expect(ack.entries).toMatchObject([
      { receiptHandle: 'garbage', status: { code: 'INVALID_RECEIPT_HANDLE' } },
    ]);
    const emptyAck = await grpc.unary('AckMessage', {
      group: { name: 'GID_orders' },
      topic: { name: 'orders' },
    });
    expect(emptyAck.status.code).toBe('INTERNAL_SERVER_ERROR');
    const change = (ms: number) =>
      grpc.unary('ChangeInvisibleDuration', {
        group: { name: 'GID_orders' },
        topic: { name: 'orders' },
        receiptHandle: 'garbage',
        invisibleDuration: msToDuration(ms),
      });
    expect((await change(1_000)).status.code).toBe('INVALID_RECEIPT_HANDLE');
    expect((await change(13 * 3_600_000)).status.code).toBe('ILLEGAL_INVISIBLE_TIME');
    const dlq = await grpc.unary('ForwardMessageToDeadLetterQueue', {
      group: { name: 'GID_orders' },
      topic: { name: 'orders' },
      receiptHandle: 'garbage',
    });
    expect(dlq.status.code).toBe('INVALID_RECEIPT_HANDLE');
  });

  it('answers client calls without settings, transactions without id, and unsupported RPCs', async () => {
    expect((await grpc.unary('Heartbeat', { clientType: 'PRODUCER' })).status.code).toBe(
      'UNRECOGNIZED_CLIENT_TYPE',
    );
    expect((await grpc.unary('NotifyClientTermination', {})).status.code).toBe(
      'UNRECOGNIZED_CLIENT_TYPE',
    );
    expect(
      (
        await grpc.unary('EndTransaction', {
          topic: { name: 'orders' },
          messageId: 'M',
          resolution: 'COMMIT',
        })
      ).status.code,
    ).toBe('INVALID_TRANSACTION_ID');
    await expect(grpc.unary('UpdateOffset', {})).rejects.toMatchObject({
      code: GrpcStatus.UNIMPLEMENTED,
      details: 'Method apache.rocketmq.v2.MessagingService/UpdateOffset is unimplemented',
    });
    await expect(grpc.serverStream('PullMessage', {})).rejects.toMatchObject({
      code: GrpcStatus.UNIMPLEMENTED,
      details: 'Method apache.rocketmq.v2.MessagingService/PullMessage is unimplemented',
    });
    expect(
      (await grpc.unary('RecallMessage', { topic: { name: 'orders' }, recallHandle: 'h' })).status
        .code,
    ).toBe('NOT_IMPLEMENTED');
  });

  it('ends a Telemetry stream without settings data with INVALID_ARGUMENT; answers a bad signature in-stream', async () => {
    const invalid = grpc.telemetry();
    const ended = new Promise<unknown>((resolve) => invalid.on('error', resolve));
    invalid.on('data', () => undefined);
    invalid.write({ settings: { clientType: 'PRODUCER' } });
    expect(await ended).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: 'there is no publishing or subscription data in settings',
    });

    const intruder = grpc.telemetry({ ...who, secret: 'wrong' });
    const reply = new Promise<Record<string, any>>((resolve) => intruder.once('data', resolve));
    intruder.write({
      settings: { clientType: 'PRODUCER', publishing: { topics: [{ name: 'orders' }] } },
    });
    expect(await reply).toMatchObject({ status: { code: 'UNAUTHORIZED' } });
    intruder.end();
    await new Promise((resolve) => intruder.on('end', resolve).resume());
  });

  it('keeps serving: a valid send and receive work after all of the above', async () => {
    const sent = await send(message({ body: Buffer.from('still alive') }));
    expect(sent.status.code).toBe('OK');
    const { status, messages } = receiveResult(await grpc.receive(receiveRequest()));
    expect(status.code).toBe('OK');
    expect(messages.map((m) => m.body.toString())).toContain('still alive');
  });
});
