import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import {
  MQConsumer,
  MQPayload,
  MQTransactionChecker,
  MQTransactionStatus,
} from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';
import { TRANSPORTS } from './fixtures/transports.js';

const TOPIC = 'tx-payments';
const TX_GROUP = 'GID_tx_producer';

@Injectable()
class PaymentsConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer(TOPIC, 'GID_tx_consumer')
  onPayment(@MQPayload() payment: { id: string }) {
    this.recorder.add('delivered', payment.id);
  }

  /** Decides half messages whose producer never committed (e.g. it crashed). */
  @MQTransactionChecker(TOPIC, TX_GROUP)
  check(@MQPayload() payment: { id: string; ok: boolean }): MQTransactionStatus {
    this.recorder.add('checked', payment.id);
    return payment.ok ? MQTransactionStatus.Commit : MQTransactionStatus.Rollback;
  }
}

@Module({ providers: [Recorder, PaymentsConsumer] })
class PaymentsModule {}

describe.each(TRANSPORTS)('transactional messages on %s', (transport) => {
  let mq: MQTestingHarness;
  let recorder: Recorder;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [PaymentsModule] },
      {
        configure: quiet,
        transport,
        emulator: { topics: [{ name: TOPIC, type: 'transactional' }] },
      },
    );
    recorder = mq.moduleRef.get(Recorder);
  });
  afterAll(() => mq.close());

  it('publishTransactional commits when the local work resolves and returns its value', async () => {
    const result = await mq.producer.publishTransactional(
      TOPIC,
      { id: 'p1' },
      { group: TX_GROUP },
      async (half) => {
        // The half message is invisible to consumers while the local work runs.
        expect(
          mq.emulator.admin.peek({ topic: TOPIC, state: 'half' }).map((m) => m.messageId),
        ).toEqual([half.messageId]);
        return 'saved';
      },
    );
    expect(result).toBe('saved');
    await mq.waitFor('message.acked', (e) => e.consumer === 'PaymentsConsumer.onPayment');
    expect(recorder.of('delivered')).toEqual(['p1']);
  });

  it('publishTransactional rolls back and rethrows when the local work throws', async () => {
    let halfId = '';
    await expect(
      mq.producer.publishTransactional(TOPIC, { id: 'p2' }, { group: TX_GROUP }, (half) => {
        halfId = half.messageId;
        throw new Error('local transaction failed');
      }),
    ).rejects.toThrow('local transaction failed');
    expect(mq.emulator.admin.peek({ topic: TOPIC }).some((m) => m.messageId === halfId)).toBe(
      false,
    );
    mq.advance(30_000); // well past the check immunity: nothing left to check or deliver
    expect(recorder.of('checked')).toEqual([]);
    expect(recorder.of('delivered')).toEqual(['p1']);
  });

  it('@MQTransactionChecker answers commit/rollback for half messages nobody resolved', async () => {
    // Half messages published and never settled (as by a producer that crashed).
    const client = mq.producer.transport;
    const commit = await client.publish(TOPIC, {
      body: JSON.stringify({ id: 'p3', ok: true }),
      transCheckImmunitySeconds: 10,
    });
    const rollback = await client.publish(TOPIC, {
      body: JSON.stringify({ id: 'p4', ok: false }),
      transCheckImmunitySeconds: 10,
    });
    expect(recorder.of('checked')).toEqual([]);
    // Past the immunity the broker asks (HTTP: a trans=pop poll; gRPC: pushed on the producer's stream).
    mq.advance(10_000);
    const decisions = await mq.waitForMany(
      'message.succeeded',
      2,
      (e) =>
        e.consumer === 'PaymentsConsumer.check' &&
        (e.messageId === commit.messageId || e.messageId === rollback.messageId),
    );
    expect(
      Object.fromEntries(
        decisions.map((e) => [e.messageId === commit.messageId ? 'p3' : 'p4', e.decision]),
      ),
    ).toEqual({ p3: 'commit', p4: 'rollback' });
    await mq.waitFor(
      'message.acked',
      (e) => e.consumer === 'PaymentsConsumer.onPayment' && e.messageId === commit.messageId,
    );
    expect(recorder.of('checked').sort()).toEqual(['p3', 'p4']);
    expect(recorder.of('delivered')).toEqual(['p1', 'p3']);
  });
});
