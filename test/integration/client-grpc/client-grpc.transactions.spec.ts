/** Transactions of our RocketMQ 5 client: EndTransaction, and checks pushed on the Telemetry stream. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { grpcClientHarness, type GrpcClientHarness } from './client-grpc.fixture.js';

describe('RocketMQ 5 client: transactions', () => {
  let h: GrpcClientHarness;

  beforeAll(async () => {
    h = await grpcClientHarness({ topics: [{ name: 'tx', type: 'transactional' }] });
  });
  afterAll(async () => {
    await h.close();
  });

  const receive = (client: ReturnType<GrpcClientHarness['client']>, group: string) =>
    client.receive({ topic: 'tx', group, max: 16, waitMs: 0, invisibleMs: 30_000 });

  it('a committed half message becomes visible; a rolled back one never does', async () => {
    const client = h.client();
    const kept = await client.publish('tx', { body: 'kept', transCheckImmunitySeconds: 10 });
    const dropped = await client.publish('tx', { body: 'dropped', transCheckImmunitySeconds: 10 });
    expect(kept.transactionId).toBeTruthy();
    expect(await receive(client, 'GID_tx_a')).toEqual([]);
    await client.endTransaction(
      'tx',
      kept.messageId,
      kept.transactionId!,
      'COMMIT',
      'SOURCE_CLIENT',
    );
    await client.endTransaction(
      'tx',
      dropped.messageId,
      dropped.transactionId!,
      'ROLLBACK',
      'SOURCE_CLIENT',
    );
    const got = await receive(client, 'GID_tx_a');
    expect(got.map((m) => m.body)).toEqual(['kept']);
    // Every live producer of a topic may be asked about its transactions: leave the next test's.
    await client.close();
  });

  it('an undecided half message is checked on the producer stream; the answer settles it', async () => {
    const producer = h.client();
    const checker = h.client();
    // The checker's process registers the topic before any check is due (as after a restart).
    expect(await checker.receiveTransactionChecks('tx', 16, 0)).toEqual([]);
    const half = await producer.publish('tx', { body: 'orphan', transCheckImmunitySeconds: 10 });
    await producer.close();
    const waiting = checker.receiveTransactionChecks('tx', 16, 5_000);
    h.emulator.admin.advance(10_000);
    const [check] = await waiting;
    expect(check!.transactionId).toBeTruthy();
    expect(check!.value.message.systemProperties?.messageId).toBe(half.messageId);
    await checker.endTransaction(
      'tx',
      half.messageId,
      check!.transactionId,
      'COMMIT',
      'SOURCE_SERVER_CHECK',
    );
    const got = await receive(checker, 'GID_tx_b');
    expect(got.map((m) => m.body)).toContain('orphan');
  });
});
