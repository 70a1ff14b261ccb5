/**
 * The console sees every front's traffic: consumers seen over RocketMQ 5 gRPC (the official client)
 * and over the old ONS HTTP API, and a gRPC message's life (send, receive, change of invisibility,
 * ack) in the admin API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  rmq5Harness,
  type Rmq5Harness,
} from '../../conformance/rocketmq5/official-client.fixture.js';
import { consumeBytes, publishBytes, type SampleConfig } from './ons-raw.helper.js';
import { sendRaw } from './raw-http.helper.js';

describe('console: consumers and message lives of every protocol', () => {
  let h: Rmq5Harness;
  beforeAll(async () => {
    h = await rmq5Harness();
  });
  afterAll(() => h.close());

  const admin = async (path: string): Promise<any> =>
    (await fetch(`${h.emulator.endpoint}/_emulator/${path}`)).json();

  it('records gRPC receivers with their client id and SDK, and tells a gRPC message’s life', async () => {
    const producer = await h.producer({ topic: 'c_grpc' });
    const { messageId } = await producer.send({
      topic: 'c_grpc',
      body: Buffer.from('{"via":"grpc"}'),
      tag: 'T',
      keys: ['k-grpc'],
    });
    const consumer = await h.consumer('GID_c_grpc', { c_grpc: '*' });
    const [m] = await consumer.receive(16, 20_000);
    expect(m!.messageId).toBe(messageId);
    await consumer.changeInvisibleDuration(m!, 30_000);
    const renewed = (await admin(`messages/${messageId}`)).views[0].receiptHandle as string;
    await consumer.ack({ ...m!, receiptHandle: renewed } as typeof m);

    const seen = ((await admin('consumers')) as any[]).find((c) => c.group === 'GID_c_grpc');
    expect(seen).toMatchObject({
      protocol: 'grpc',
      clientId: expect.any(String),
      instanceId: h.emulator.instanceId,
      topic: 'c_grpc',
      waiting: expect.any(Number),
    });
    expect(seen.clientId).not.toBe('');
    expect(seen.agent).toMatch(/\S/);

    const life = await admin(`messages/${messageId}`);
    expect(life).toMatchObject({
      topic: 'c_grpc',
      key: 'k-grpc',
      tag: 'T',
      body: '{"via":"grpc"}',
    });
    expect(life.timeline.map((e: any) => e.kind)).toEqual([
      'published',
      'delivered',
      'invisibilityChanged',
      'acked',
    ]);
    expect(life.views[0]).toMatchObject({ group: 'GID_c_grpc', state: 'acked' });
  });

  it('records ONS consumers with their address', async () => {
    const c: SampleConfig = {
      url: 'http://publictest-rest.ons.aliyun.com',
      topic: 'c_ons',
      ak: h.emulator.credentials.accessKeyId,
      sk: h.emulator.credentials.accessKeySecret,
      pid: 'PID_c_ons',
      cid: 'CID_c_ons',
    };
    expect((await sendRaw(h.emulator.endpoint, publishBytes(c))).status).toBe(201);
    expect((await sendRaw(h.emulator.endpoint, consumeBytes(c))).status).toBe(200);
    const seen = ((await admin('consumers')) as any[]).find((x) => x.group === 'CID_c_ons');
    expect(seen).toMatchObject({
      protocol: 'ons',
      clientId: expect.stringMatching(/127\.0\.0\.1/),
      topic: 'c_ons',
      polls: 1,
      waiting: 0,
    });
  });
});
