import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { MQConsumer, type MQContext } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { quiet } from './fixtures/quiet.js';
import { TRANSPORTS } from './fixtures/transports.js';

@Injectable()
class LedgerConsumer {
  readonly seen: string[] = [];
  private failedOnce = false;

  @MQConsumer('ord-ledger', 'GID_ord', { orderly: true, concurrency: 8, batchSize: 16 })
  apply(payload: { key: string; seq: number }, _message: unknown, ctx: MQContext) {
    this.seen.push(`${payload.key}${payload.seq}#${ctx.attempt}`);
    if (payload.key === 'A' && payload.seq === 2 && !this.failedOnce) {
      this.failedOnce = true;
      throw new Error('A2 fails once');
    }
  }
}

@Module({ providers: [LedgerConsumer] })
class LedgerModule {}

describe.each(TRANSPORTS)('orderly consumer on %s', (transport) => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [LedgerModule] },
      {
        configure: quiet,
        transport,
        // RocketMQ 5: per-key order across polls is the server's FIFO group (sharding key = message group).
        emulator: {
          topics: [{ name: 'ord-ledger', type: 'orderly' }],
          groups: [{ id: 'GID_ord', fifo: true }],
        },
        // Publish everything before consuming, so that batches hold several keys.
        module: { defaults: { autoStart: false } },
      },
    );
  });
  afterAll(() => mq.close());

  it('keeps each sharding key in order, and a failure holds back the rest of its key', async () => {
    const ids: string[] = [];
    for (const key of ['A', 'B']) {
      for (let seq = 1; seq <= 3; seq++) {
        const r = await mq.producer.publish('ord-ledger', { key, seq }, { shardingKey: key });
        ids.push(r.messageId);
      }
    }
    mq.registry.start();
    await mq.waitFor('message.failed');
    await mq.waitForMany('message.acked', 4);
    const consumer = mq.moduleRef.get(LedgerConsumer);
    // A3 must not run before A2 succeeded; B is not held back by A.
    expect(consumer.seen.filter((s) => s.startsWith('A'))).toEqual(['A1#1', 'A2#1']);
    expect(consumer.seen.filter((s) => s.startsWith('B'))).toEqual(['B1#1', 'B2#1', 'B3#1']);
    if (transport === 'grpc') {
      // A2 failed and A3 was never dispatched: both are handed back with A2's retry backoff.
      await mq.waitForMany('message.nacked', 2);
      mq.advance(1_000);
    } else {
      mq.advance(60_000); // the orderly invisibility window: A2 and A3 come back, in order
    }
    await mq.waitForMany('message.acked', 6, (e) => ids.includes(e.messageId));
    // A3 was delivered with the first batch but never dispatched: it comes back as attempt 2.
    expect(consumer.seen.filter((s) => s.startsWith('A'))).toEqual([
      'A1#1',
      'A2#1',
      'A2#2',
      'A3#2',
    ]);
  });
});
