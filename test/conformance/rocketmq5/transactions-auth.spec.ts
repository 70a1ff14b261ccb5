/**
 * Conformance: transactional messages of the official RocketMQ 5 client (Transaction commit and
 * rollback, orphaned-transaction checks pushed on the Telemetry stream to the producer's checker),
 * and a client with wrong credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Producer } from 'rocketmq-client-nodejs';
import type { MessageView } from 'rocketmq-client-nodejs';
import { TransactionResolution } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb.js';
import { rmq5Harness, silentLogger, type Rmq5Harness } from './official-client.fixture.js';

/** Waits (real time, bounded) for an effect of an asynchronous exchange, e.g. a pushed check. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('conformance: rocketmq-client-nodejs 1.0.8 transactions and auth against the gRPC front', () => {
  let h: Rmq5Harness;
  const decisions = new Map<string, TransactionResolution>();
  const checked: MessageView[] = [];
  let producer: Producer;

  beforeAll(async () => {
    h = await rmq5Harness({ topics: [{ name: 'tx', type: 'transactional' }] });
    producer = await h.producer({
      topic: 'tx',
      checker: {
        async check(view: MessageView) {
          checked.push(view);
          return (
            decisions.get(view.body.toString()) ??
            TransactionResolution.TRANSACTION_RESOLUTION_UNSPECIFIED
          );
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const bodies = (views: MessageView[]): string[] => views.map((v) => v.body.toString()).sort();

  it('keeps a transactional message invisible until committed; a rolled-back one never arrives', async () => {
    const consumer = await h.consumer('GID_tx_commit', { tx: '*' });
    const committed = producer.beginTransaction();
    const receipt = await producer.send({ topic: 'tx', body: Buffer.from('commit-me') }, committed);
    expect(receipt.transactionId).not.toBe('');
    const rolledBack = producer.beginTransaction();
    await producer.send({ topic: 'tx', body: Buffer.from('drop-me') }, rolledBack);
    expect(await consumer.receive(16, 30_000)).toEqual([]);
    expect(h.emulator.admin.topics().find((t) => t.topic === 'tx')).toMatchObject({ half: 2 });

    await committed.commit();
    await rolledBack.rollback();
    const received = await consumer.receive(16, 30_000);
    expect(bodies(received)).toEqual(['commit-me']);
    expect(received[0]!.messageId).toBe(receipt.messageId);
    await consumer.ack(received[0]!);
    expect(h.emulator.admin.topics().find((t) => t.topic === 'tx')).toMatchObject({ half: 0 });
  });

  it('checks an orphaned transaction with the producer and applies its answer', async () => {
    const consumer = await h.consumer('GID_tx_check', { tx: '*' });
    decisions.set('orphan-commit', TransactionResolution.COMMIT);
    decisions.set('orphan-rollback', TransactionResolution.ROLLBACK);
    const ids: string[] = [];
    for (const body of ['orphan-commit', 'orphan-rollback']) {
      // Sent in a transaction that the producer never ends.
      ids.push(
        (await producer.send({ topic: 'tx', body: Buffer.from(body) }, producer.beginTransaction()))
          .messageId,
      );
    }
    checked.length = 0;
    // Default recovery window: 10 s after the send.
    h.emulator.admin.advance(10_000);
    await until(() => checked.length === 2, 'two transaction checks');
    expect(checked.map((v) => v.messageId).sort()).toEqual([...ids].sort());
    expect(checked.every((v) => v.corrupted === undefined && v.topic === 'tx')).toBe(true);
    await until(
      () => h.emulator.admin.topics().find((t) => t.topic === 'tx')?.half === 0,
      'both transactions to end',
    );
    // A new group starts from every retained message: the first test's commit is there too.
    const received = await consumer.receive(16, 30_000);
    expect(bodies(received)).toEqual(['commit-me', 'orphan-commit']);
    for (const m of received) await consumer.ack(m);
  });

  it('checks again while the producer does not know, every half-message check interval', async () => {
    const unsure = await producer.send(
      { topic: 'tx', body: Buffer.from('unsure') },
      producer.beginTransaction(),
    );
    checked.length = 0;
    h.emulator.admin.advance(10_000);
    await until(() => checked.length === 1, 'the first check');
    h.emulator.admin.advance(10_000);
    await until(() => checked.length === 2, 'the second check');
    expect(checked.map((v) => v.messageId)).toEqual([unsure.messageId, unsure.messageId]);
    decisions.set('unsure', TransactionResolution.ROLLBACK);
    h.emulator.admin.advance(10_000);
    await until(
      () => h.emulator.admin.topics().find((t) => t.topic === 'tx')?.half === 0,
      'the rollback',
    );
  });

  it('refuses a client with a wrong secret: startup fails with Unauthorized', async () => {
    const errors: string[] = [];
    const intruder = new Producer({
      ...h.clientOptions(),
      sessionCredentials: {
        accessKey: h.emulator.credentials.accessKeyId,
        accessSecret: 'not-the-secret',
      },
      logger: silentLogger(errors),
      topic: 'tx',
    });
    try {
      const failure = await intruder.startup().then(
        () => undefined,
        (err: unknown) => err as Error & { cause?: { cause?: unknown } },
      );
      expect(failure?.message).toContain('Startup the rocketmq client failed');
      expect(failure?.cause?.cause).toMatchObject({ name: 'UnauthorizedException', code: 40100 });
      expect(String((failure?.cause?.cause as Error).message)).toContain('check signature failed');
    } finally {
      await intruder.shutdown();
    }
  }, 15_000);
});
