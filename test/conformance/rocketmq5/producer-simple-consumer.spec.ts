/**
 * Conformance: the unchanged official RocketMQ 5 client (Producer, SimpleConsumer) against the
 * emulator's gRPC front, on a virtual clock with strict auth.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmq5Harness, type Rmq5Harness } from './official-client.fixture.js';

describe('conformance: rocketmq-client-nodejs 1.0.8 (Producer, SimpleConsumer) against the gRPC front', () => {
  let h: Rmq5Harness;

  beforeAll(async () => {
    h = await rmq5Harness({
      groups: [{ id: 'GID_fifo', fifo: true }],
      timings: { maxRetries: 1 },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('sends a normal message and receives it with every field, then acks it once', async () => {
    const producer = await h.producer({ topic: 'plain' });
    const receipt = await producer.send({
      topic: 'plain',
      body: Buffer.from('hello'),
      tag: 'TagA',
      keys: ['order-1', 'user-7'],
      properties: new Map([['color', 'red']]),
    });
    expect(receipt.messageId).toMatch(/^[0-9A-F]{34}$/);

    const consumer = await h.consumer('GID_plain', { plain: '*' });
    const [message, ...rest] = await consumer.receive(16, 30_000);
    expect(rest).toEqual([]);
    expect(message!.messageId).toBe(receipt.messageId);
    expect(message!.body.toString()).toBe('hello');
    expect(message!.corrupted).toBeUndefined();
    expect(message!.topic).toBe('plain');
    expect(message!.tag).toBe('TagA');
    expect(message!.keys).toEqual(['order-1', 'user-7']);
    expect(Object.fromEntries(message!.properties)).toEqual({ color: 'red' });
    expect(message!.deliveryAttempt).toBe(1);
    // google-protobuf reads an absent optional string as ''.
    expect(message!.messageGroup || undefined).toBeUndefined();
    expect(message!.bornTimestamp?.getTime()).toBe(h.emulator.admin.now());
    expect(message!.receiptHandle.startsWith(receipt.messageId + '-')).toBe(true);

    await consumer.ack(message!);
    expect(await consumer.receive(16, 30_000)).toEqual([]);
    // A used handle no longer works.
    await expect(consumer.ack(message!)).rejects.toMatchObject({
      name: 'BadRequestException',
      code: 40013,
    });
  });

  it('filters by tag expression: "a||b" gets only those tags, "*" gets all', async () => {
    const producer = await h.producer({ topic: 'tagged' });
    for (const tag of ['TagA', 'TagB', 'TagC']) {
      await producer.send({ topic: 'tagged', body: Buffer.from(tag), tag });
    }
    const some = await h.consumer('GID_some', { tagged: 'TagA || TagB' });
    const all = await h.consumer('GID_all', { tagged: '*' });
    const someBodies = (await some.receive(16, 30_000)).map((m) => m.body.toString()).sort();
    const allBodies = (await all.receive(16, 30_000)).map((m) => m.body.toString()).sort();
    expect(someBodies).toEqual(['TagA', 'TagB']);
    expect(allBodies).toEqual(['TagA', 'TagB', 'TagC']);
  });

  it('redelivers after the invisible duration with the next delivery attempt and a new handle', async () => {
    const producer = await h.producer({ topic: 'redeliver' });
    await producer.send({ topic: 'redeliver', body: Buffer.from('again') });
    const consumer = await h.consumer('GID_redeliver', { redeliver: '*' });
    const [first] = await consumer.receive(1, 15_000);
    h.emulator.admin.advance(14_999);
    expect(await consumer.receive(1, 15_000)).toEqual([]);
    h.emulator.admin.advance(1);
    const [second] = await consumer.receive(1, 15_000);
    expect(second!.messageId).toBe(first!.messageId);
    expect(second!.deliveryAttempt).toBe(2);
    expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
    await expect(consumer.ack(first!)).rejects.toMatchObject({ code: 40013 });
    await consumer.ack(second!);
  });

  it('changes the invisible duration: the message comes back at the new time, under the new handle', async () => {
    const producer = await h.producer({ topic: 'postpone' });
    await producer.send({ topic: 'postpone', body: Buffer.from('later') });
    const consumer = await h.consumer('GID_postpone', { postpone: '*' });
    const [message] = await consumer.receive(1, 15_000);
    const firstHandle = message!.receiptHandle;
    await consumer.changeInvisibleDuration(message!, 60_000);
    expect(message!.receiptHandle).not.toBe(firstHandle);
    h.emulator.admin.advance(15_000);
    expect(await consumer.receive(1, 15_000)).toEqual([]);
    h.emulator.admin.advance(45_000);
    const [again] = await consumer.receive(1, 15_000);
    expect(again!.messageId).toBe(message!.messageId);
    expect(again!.deliveryAttempt).toBe(2);
    await consumer.ack(again!);

    // Tiny durations are accepted (PushConsumer nacks with ~1 ms): 0 is visible again at once.
    await producer.send({ topic: 'postpone', body: Buffer.from('now') });
    const [nacked] = await consumer.receive(1, 15_000);
    await consumer.changeInvisibleDuration(nacked!, 0);
    const [retried] = await consumer.receive(1, 15_000);
    expect(retried!.messageId).toBe(nacked!.messageId);
    expect(retried!.deliveryAttempt).toBe(2);
    await consumer.ack(retried!);
  });

  it('delivers FIFO message groups in order, one batch of a group at a time, with the message group', async () => {
    const producer = await h.producer({ topic: 'fifo' });
    for (const body of ['a1', 'b1', 'a2', 'a3', 'b2']) {
      await producer.send({ topic: 'fifo', body: Buffer.from(body), messageGroup: body[0] });
    }
    const consumer = await h.consumer('GID_fifo', { fifo: '*' });
    const batch = await consumer.receive(16, 15_000);
    const byGroup = (group: string): string[] =>
      batch.filter((m) => m.messageGroup === group).map((m) => m.body.toString());
    expect(byGroup('a')).toEqual(['a1', 'a2', 'a3']);
    expect(byGroup('b')).toEqual(['b1', 'b2']);
    // Group "a" stays locked while its messages are in flight.
    await producer.send({ topic: 'fifo', body: Buffer.from('a4'), messageGroup: 'a' });
    expect(await consumer.receive(16, 15_000)).toEqual([]);
    for (const m of batch) await consumer.ack(m);
    const [next] = await consumer.receive(16, 15_000);
    expect(next!.body.toString()).toBe('a4');
    await consumer.ack(next!);
  });

  it('delivers a delay message at its delivery timestamp', async () => {
    const producer = await h.producer({ topic: 'delayed' });
    const at = new Date(h.emulator.admin.now() + 60_000);
    await producer.send({ topic: 'delayed', body: Buffer.from('tick'), deliveryTimestamp: at });
    const consumer = await h.consumer('GID_delayed', { delayed: '*' });
    expect(await consumer.receive(16, 15_000)).toEqual([]);
    h.emulator.admin.advance(60_000);
    const [message] = await consumer.receive(16, 15_000);
    expect(message!.body.toString()).toBe('tick');
    expect(message!.deliveryTimestamp?.getTime()).toBe(at.getTime());
    await consumer.ack(message!);
  });

  it('moves a message to the dead-letter queue after the maximum delivery attempts', async () => {
    const producer = await h.producer({ topic: 'poison' });
    const receipt = await producer.send({ topic: 'poison', body: Buffer.from('bad') });
    const consumer = await h.consumer('GID_poison', { poison: '*' });
    // maxRetries 1: two delivery attempts, then the dead-letter queue.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [m] = await consumer.receive(1, 10_000);
      expect(m!.deliveryAttempt).toBe(attempt);
      h.emulator.admin.advance(10_000);
    }
    expect(await consumer.receive(1, 10_000)).toEqual([]);
    expect(
      h.emulator.admin
        .deadLetters({ topic: 'poison', group: 'GID_poison' })
        .map((m) => m.messageId),
    ).toEqual([receipt.messageId]);
  });

  it('takes 50 concurrent sends and delivers each message once', async () => {
    const producer = await h.producer({ topic: 'burst' });
    const bodies = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const receipts = await Promise.all(
      bodies.map((b) => producer.send({ topic: 'burst', body: Buffer.from(b) })),
    );
    expect(new Set(receipts.map((r) => r.messageId)).size).toBe(50);
    const consumer = await h.consumer('GID_burst', { burst: '*' });
    const received: string[] = [];
    while (received.length < 50) {
      const batch = await consumer.receive(32, 30_000);
      expect(batch.length).toBeGreaterThan(0);
      for (const m of batch) {
        received.push(m.body.toString());
        await consumer.ack(m);
      }
    }
    expect(received.sort()).toEqual([...bodies].sort());
    expect(h.emulator.admin.groups().find((g) => g.group === 'GID_burst')).toMatchObject({
      ready: 0,
      inflight: 0,
    });
  });

  it('shuts clients down cleanly: each one notifies its termination', async () => {
    const producer = await h.producer({ topic: 'bye' });
    const consumer = await h.consumer('GID_bye', { bye: '*' });
    await expect(producer.shutdown()).resolves.toBeUndefined();
    await expect(consumer.shutdown()).resolves.toBeUndefined();
    const terminations = h.lines.filter((l) => l.includes('gRPC NotifyClientTermination OK'));
    expect(terminations.some((l) => l.endsWith(`client=${producer.clientId}`))).toBe(true);
    expect(terminations.some((l) => l.endsWith(`client=${consumer.clientId}`))).toBe(true);
    expect(h.clientErrors).toEqual([]);
  });
});
