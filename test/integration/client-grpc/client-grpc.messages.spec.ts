/** Publish, receive, ack and change-invisible-duration of our RocketMQ 5 client on the gRPC front. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { grpcClientHarness, type GrpcClientHarness } from './client-grpc.fixture.js';

describe('RocketMQ 5 client: messages', () => {
  let h: GrpcClientHarness;

  beforeAll(async () => {
    h = await grpcClientHarness({ groups: [{ id: 'GID_fifo', fifo: true }] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('publishes with tag, key and properties, receives every field, acks once', async () => {
    const client = h.client();
    const sent = await client.publish('plain', {
      body: 'hello',
      tag: 'TagA',
      key: 'order-1',
      properties: { color: 'red' },
    });
    expect(sent.messageId).toMatch(/^[0-9A-F]{34}$/);
    const [message, ...rest] = await client.receive({
      topic: 'plain',
      group: 'GID_plain',
      max: 16,
      waitMs: 0,
      invisibleMs: 30_000,
    });
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      messageId: sent.messageId,
      body: 'hello',
      bodyMd5: sent.bodyMd5,
      tag: 'TagA',
      key: 'order-1',
      consumedTimes: 1,
      properties: { color: 'red' },
    });
    const result = await client.ack('plain', 'GID_plain', [message!]);
    expect(result.acked).toEqual([message!.receiptHandle]);
    expect(result.failed).toEqual([]);
    const again = await client.ack('plain', 'GID_plain', [message!]);
    expect(again.acked).toEqual([]);
    expect(again.failed).toEqual([
      expect.objectContaining({
        receiptHandle: message!.receiptHandle,
        code: 'INVALID_RECEIPT_HANDLE',
      }),
    ]);
  });

  it('hands a message back with ChangeInvisibleDuration: it comes back with the next attempt', async () => {
    const client = h.client();
    await client.publish('nack', { body: 'again' });
    const [first] = await client.receive({
      topic: 'nack',
      group: 'GID_nack',
      max: 1,
      waitMs: 0,
      invisibleMs: 60_000,
    });
    await client.changeInvisibleDuration(
      'nack',
      'GID_nack',
      first!.messageId,
      first!.receiptHandle,
      2_000,
    );
    expect(
      await client.receive({
        topic: 'nack',
        group: 'GID_nack',
        max: 1,
        waitMs: 0,
        invisibleMs: 60_000,
      }),
    ).toEqual([]);
    h.emulator.admin.advance(2_000);
    const [second] = await client.receive({
      topic: 'nack',
      group: 'GID_nack',
      max: 1,
      waitMs: 0,
      invisibleMs: 60_000,
    });
    expect(second!.messageId).toBe(first!.messageId);
    expect(second!.consumedTimes).toBe(2);
  });

  it('maps FIFO message groups to shardingKey and delivery times to startDeliverTime', async () => {
    const client = h.client();
    await client.publish('fifo-topic', { body: 'a', shardingKey: 'customer-1' });
    const [fifo] = await client.receive({
      topic: 'fifo-topic',
      group: 'GID_fifo',
      max: 4,
      waitMs: 0,
      invisibleMs: 30_000,
    });
    expect(fifo!.shardingKey).toBe('customer-1');
    expect(client.isFifoGroup('GID_fifo')).toBe(true);
    const at = h.emulator.admin.now() + 5_000;
    await client.publish('delayed', { body: 'later', deliverAt: at });
    expect(
      await client.receive({
        topic: 'delayed',
        group: 'GID_delay',
        max: 1,
        waitMs: 0,
        invisibleMs: 30_000,
      }),
    ).toEqual([]);
    h.emulator.admin.advance(5_000);
    const [late] = await client.receive({
      topic: 'delayed',
      group: 'GID_delay',
      max: 1,
      waitMs: 0,
      invisibleMs: 30_000,
    });
    expect(late).toMatchObject({ body: 'later', startDeliverTime: at });
  });

  it('filters by tags', async () => {
    const client = h.client();
    for (const tag of ['A', 'B', 'C']) await client.publish('tagged', { body: tag, tag });
    const got = await client.receive({
      topic: 'tagged',
      group: 'GID_tags',
      max: 16,
      waitMs: 0,
      tags: ['A', 'C'],
      invisibleMs: 30_000,
    });
    expect(got.map((m) => m.body).sort()).toEqual(['A', 'C']);
  });
});
