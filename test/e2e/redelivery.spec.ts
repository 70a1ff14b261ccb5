import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import {
  MQConsumer,
  MQCtx,
  MQMessage,
  MQPayload,
  type MQContext,
  type MQReceivedMessage,
} from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { quiet } from './fixtures/quiet.js';
import { TRANSPORTS } from './fixtures/transports.js';

@Injectable()
class FlakyConsumer {
  readonly attempts: number[] = [];
  readonly parked: { id: string; attempt: number; self: boolean }[] = [];
  readonly parkedByFn: string[] = [];

  @MQConsumer('rd-flaky', 'GID_rd')
  handle(@MQPayload() _payload: unknown, @MQCtx() ctx: MQContext) {
    this.attempts.push(ctx.attempt);
    if (ctx.attempt === 1) throw new Error('first attempt fails');
  }

  @MQConsumer('rd-poison', 'GID_rd', { maxAttempts: 2, onExhausted: 'park' })
  poison(@MQMessage() _message: MQReceivedMessage) {
    throw new Error('always fails');
  }

  park(message: MQReceivedMessage, ctx: MQContext) {
    this.parked.push({
      id: message.messageId,
      attempt: ctx.attempt,
      self: this instanceof FlakyConsumer,
    });
  }

  @MQConsumer('rd-poison-fn', 'GID_rd', {
    maxAttempts: 1,
    onExhausted(this: FlakyConsumer, message: MQReceivedMessage) {
      this.parkedByFn.push(message.messageId);
    },
  })
  poisonFn() {
    throw new Error('always fails');
  }
}

@Module({ providers: [FlakyConsumer] })
class FlakyModule {}

describe.each(TRANSPORTS)('redelivery and maxAttempts on %s', (transport) => {
  let mq: MQTestingHarness;
  let consumer: FlakyConsumer;
  /**
   * When a failed delivery comes back: HTTP has no nack, so at the end of the 5 min invisibility
   * window; on gRPC the consumer hands it back with the retry backoff (1 s, then 2 s, …).
   */
  const comesBack = (attempt: number) =>
    transport === 'grpc' ? 1_000 * 2 ** (attempt - 1) : 300_000;
  /** Waits until the failed attempt is settled with the broker (on gRPC: handed back), then moves time. */
  const failedThenBack = async (messageId: string, attempt: number) => {
    await mq.waitFor('message.failed', (e) => e.messageId === messageId && e.attempt === attempt);
    if (transport === 'grpc') {
      const nacked = await mq.waitFor(
        'message.nacked',
        (e) => e.messageId === messageId && e.attempt === attempt,
      );
      expect(nacked.retryInMs).toBe(comesBack(attempt));
    }
    mq.advance(comesBack(attempt));
  };
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [FlakyModule] }, { configure: quiet, transport });
    consumer = mq.moduleRef.get(FlakyConsumer);
  });
  afterAll(() => mq.close());

  it('a failed message comes back with ctx.attempt 2', async () => {
    const { messageId } = await mq.producer.publish('rd-flaky', { x: 1 });
    await mq.waitFor('message.failed', (e) => e.messageId === messageId);
    expect(groupState(mq.emulator, 'rd-flaky', 'GID_rd')).toEqual({ ready: 0, inflight: 1 });
    await failedThenBack(messageId, 1);
    const acked = await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(acked.attempt).toBe(2);
    expect(consumer.attempts).toEqual([1, 2]);
  });

  it('beyond maxAttempts the onExhausted method runs (instance as this), then the message is acked', async () => {
    const { messageId } = await mq.producer.publish('rd-poison', 'bad');
    await failedThenBack(messageId, 1);
    await failedThenBack(messageId, 2);
    await mq.waitFor('message.exhausted', (e) => e.messageId === messageId);
    const acked = await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(acked.attempt).toBe(3);
    expect(consumer.parked).toEqual([{ id: messageId, attempt: 3, self: true }]);
    expect(groupState(mq.emulator, 'rd-poison', 'GID_rd')).toEqual({ ready: 0, inflight: 0 });
  });

  it('onExhausted may be a function, called with the instance as this', async () => {
    const { messageId } = await mq.producer.publish('rd-poison-fn', 'bad');
    await failedThenBack(messageId, 1);
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(consumer.parkedByFn).toEqual([messageId]);
  });
});

@Injectable()
class BackoffConsumer {
  readonly attempts: number[] = [];

  @MQConsumer('rd-backoff', 'GID_rd_backoff', { retryBackoff: { initialMs: 5_000, maxMs: 8_000 } })
  handle(@MQCtx() ctx: MQContext) {
    this.attempts.push(ctx.attempt);
    if (ctx.attempt < 4) throw new Error(`attempt ${ctx.attempt} fails`);
  }
}

@Module({ providers: [BackoffConsumer] })
class BackoffModule {}

describe('retry backoff on gRPC: a failed message is handed back and returns sooner than on HTTP', () => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [BackoffModule] },
      { configure: quiet, transport: 'grpc' },
    );
  });
  afterAll(() => mq.close());

  it('waits initialMs, then doubles up to maxMs, and not a moment less', async () => {
    const { messageId } = await mq.producer.publish('rd-backoff', 'x');
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const nacked = await mq.waitFor(
        'message.nacked',
        (e) => e.messageId === messageId && e.attempt === attempt,
      );
      waits.push(nacked.retryInMs);
      // One ms short of the wait the message is still invisible; at the wait it is back.
      mq.advance(nacked.retryInMs - 1);
      expect(groupState(mq.emulator, 'rd-backoff', 'GID_rd_backoff')).toEqual({
        ready: 0,
        inflight: 1,
      });
      mq.advance(1);
    }
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(waits).toEqual([5_000, 8_000, 8_000]);
    expect(mq.moduleRef.get(BackoffConsumer).attempts).toEqual([1, 2, 3, 4]);
  });
});
