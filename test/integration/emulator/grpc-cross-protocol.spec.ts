/**
 * One broker, two protocols: messages published over the MQ HTTP protocol (our MQClient) are
 * received over RocketMQ 5 gRPC (the official client) and the other way round, with the same
 * semantics on both sides — tags, keys, properties, message groups ≡ sharding keys, delivery
 * timestamps ≡ timer messages, delivery attempts ≡ ConsumedTimes, transaction checks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageView } from 'rocketmq-client-nodejs';
import { TransactionResolution } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb.js';
import { MQClient } from '../../../lib/client/index.js';
import {
  rmq5Harness,
  type Rmq5Harness,
} from '../../conformance/rocketmq5/official-client.fixture.js';

describe('one broker, two protocols: MQ HTTP ⇄ RocketMQ 5 gRPC', () => {
  let h: Rmq5Harness;
  let http: MQClient;

  beforeAll(async () => {
    h = await rmq5Harness({ groups: [{ id: 'GID_x_fifo', fifo: true }] });
    http = new MQClient(h.emulator.endpoint, h.emulator.credentials, {
      instanceId: h.emulator.instanceId,
    });
  });
  afterAll(async () => {
    await http.close();
    await h.close();
  });

  it('HTTP publish → gRPC receive: body, tag, key, properties, id; the gRPC ack settles it for HTTP too', async () => {
    const published = await http.publish('x_plain', {
      body: 'from http',
      tag: 'TagH',
      key: 'order-9',
      properties: { region: 'eu' },
    });
    const consumer = await h.consumer('GID_x_plain', { x_plain: '*' });
    const [m] = await consumer.receive(16, 20_000);
    expect(m!.messageId).toBe(published.messageId);
    expect(m!.body.toString()).toBe('from http');
    expect(m!.tag).toBe('TagH');
    expect(m!.keys).toEqual(['order-9']);
    expect(Object.fromEntries(m!.properties)).toEqual({ region: 'eu' });
    expect(m!.deliveryAttempt).toBe(1);
    expect(m!.corrupted).toBeUndefined();
    await consumer.ack(m!);
    expect(await http.consume('x_plain', 'GID_x_plain')).toEqual([]);
  });

  it('gRPC send → HTTP consume: keys, message group and user properties as HTTP properties', async () => {
    const producer = await h.producer({ topic: 'x_grpc' });
    const receipt = await producer.send({
      topic: 'x_grpc',
      body: Buffer.from('from grpc'),
      tag: 'TagG',
      keys: ['k1', 'k2'],
      messageGroup: 'user-1',
      properties: new Map([['source', 'rmq5']]),
    });
    const [m] = await http.consumeOrderly('x_grpc', 'GID_x_http');
    expect(m).toMatchObject({
      messageId: receipt.messageId,
      body: 'from grpc',
      tag: 'TagG',
      key: 'k1 k2',
      shardingKey: 'user-1',
      properties: { source: 'rmq5' },
      consumedTimes: 1,
    });
    expect((await http.ack('x_grpc', 'GID_x_http', [m!.receiptHandle])).failed).toEqual([]);
  });

  it('counts delivery attempts across protocols: HTTP ConsumedTimes 1, then gRPC deliveryAttempt 2', async () => {
    await http.publish('x_attempts', { body: 'twice' });
    const [first] = await http.consume('x_attempts', 'GID_x_attempts');
    expect(first!.consumedTimes).toBe(1);
    h.emulator.admin.advance(300_000);
    const consumer = await h.consumer('GID_x_attempts', { x_attempts: '*' });
    const [second] = await consumer.receive(1, 20_000);
    expect(second!.messageId).toBe(first!.messageId);
    expect(second!.deliveryAttempt).toBe(2);
    await consumer.ack(second!);
  });

  it('a sharding key published over HTTP is a message group for a FIFO gRPC group, in order', async () => {
    for (const body of ['s1', 's2', 's3']) {
      await http.publish('x_sharded', { body, shardingKey: 'cart-7' });
    }
    const consumer = await h.consumer('GID_x_fifo', { x_sharded: '*' });
    const batch = await consumer.receive(16, 20_000);
    expect(batch.map((m) => [m.body.toString(), m.messageGroup])).toEqual([
      ['s1', 'cart-7'],
      ['s2', 'cart-7'],
      ['s3', 'cart-7'],
    ]);
    for (const m of batch) await consumer.ack(m);
  });

  it('an HTTP timer message is a delay message over gRPC, due at its delivery time', async () => {
    const at = h.emulator.admin.now() + 90_000;
    await http.publish('x_timer', { body: 'later', deliverAt: at });
    const consumer = await h.consumer('GID_x_timer', { x_timer: '*' });
    expect(await consumer.receive(16, 20_000)).toEqual([]);
    h.emulator.admin.advance(90_000);
    const [m] = await consumer.receive(16, 20_000);
    expect(m!.deliveryTimestamp?.getTime()).toBe(at);
    await consumer.ack(m!);
  });

  it('keeps binary gRPC bodies byte for byte; HTTP consumers get them as base64, marked', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x01, 0x80, 0x7f]);
    const producer = await h.producer({ topic: 'x_binary' });
    const receipt = await producer.send({ topic: 'x_binary', body: bytes });
    const consumer = await h.consumer('GID_x_binary', { x_binary: '*' });
    const [m] = await consumer.receive(16, 20_000);
    expect(m!.body.equals(bytes)).toBe(true);
    expect(m!.corrupted).toBeUndefined();
    expect(Object.fromEntries(m!.properties)).toEqual({});
    const [viaHttp] = await http.consume('x_binary', 'GID_x_binary_http');
    expect(viaHttp).toMatchObject({
      messageId: receipt.messageId,
      body: bytes.toString('base64'),
      properties: { __BODY_ENCODING: 'base64' },
    });
  });

  it('shows gRPC traffic in the admin API, which also reports the gRPC endpoint', async () => {
    const health = (await (
      await fetch(`${h.emulator.endpoint}/_emulator/health`)
    ).json()) as Record<string, unknown>;
    expect(health.grpcEndpoint).toBe(h.emulator.grpcEndpoint);
    const producer = await h.producer({ topic: 'x_admin' });
    const receipt = await producer.send({ topic: 'x_admin', body: Buffer.from('seen'), tag: 'T' });
    const consumer = await h.consumer('GID_x_admin', { x_admin: '*' });
    await consumer.receive(1, 20_000);
    expect(h.emulator.admin.groups().find((g) => g.group === 'GID_x_admin')).toMatchObject({
      topic: 'x_admin',
      inflight: 1,
    });
    expect(h.emulator.admin.peek({ topic: 'x_admin' })).toMatchObject([
      { messageId: receipt.messageId, body: 'seen', tag: 'T', state: 'inflight', consumedTimes: 1 },
    ]);
  });

  it('checks an HTTP half message with a gRPC producer, whose answer commits it for HTTP consumers', async () => {
    const checked: MessageView[] = [];
    await h.producer({
      topic: 'x_tx',
      checker: {
        async check(view: MessageView) {
          checked.push(view);
          return TransactionResolution.COMMIT;
        },
      },
    });
    const half = await http.publish('x_tx', {
      body: 'half over http',
      transCheckImmunitySeconds: 10,
    });
    expect(await http.consume('x_tx', 'GID_x_tx')).toEqual([]);
    h.emulator.admin.advance(10_000);
    const deadline = Date.now() + 5_000;
    let delivered: Awaited<ReturnType<MQClient['consume']>> = [];
    while (delivered.length === 0 && Date.now() < deadline) {
      delivered = await http.consume('x_tx', 'GID_x_tx', { waitSeconds: 1 });
    }
    expect(checked.map((v) => v.messageId)).toEqual([half.messageId]);
    expect(delivered.map((m) => m.body)).toEqual(['half over http']);
  });
});

describe('the gRPC front on a durable emulator', () => {
  it('keeps gRPC-sent messages, their ids and in-flight deliveries across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'grpc-durable-'));
    try {
      let h = await rmq5Harness({ dataDir });
      const producer = await h.producer({ topic: 'durable' });
      const ids = [];
      for (const body of ['d1', 'd2'])
        ids.push((await producer.send({ topic: 'durable', body: Buffer.from(body) })).messageId);
      const consumer = await h.consumer('GID_durable', { durable: '*' });
      const [d1, d2] = await consumer.receive(2, 60_000);
      await consumer.ack(d1!);
      await h.close();

      h = await rmq5Harness({ dataDir, startTime: h.emulator.admin.now() });
      const again = await h.consumer('GID_durable', { durable: '*' });
      // d2 is still in flight until its invisible duration ends; d1 was acked.
      expect(await again.receive(16, 60_000)).toEqual([]);
      h.emulator.admin.advance(60_000);
      const redelivered = await again.receive(16, 60_000);
      expect(redelivered.map((m) => [m.messageId, m.body.toString(), m.deliveryAttempt])).toEqual([
        [d2!.messageId, 'd2', 2],
      ]);
      expect(ids).toEqual([d1!.messageId, d2!.messageId]);
      await h.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
