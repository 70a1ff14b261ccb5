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

describe('redelivery and maxAttempts', () => {
  let mq: MQTestingHarness;
  let consumer: FlakyConsumer;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [FlakyModule] }, { configure: quiet });
    consumer = mq.moduleRef.get(FlakyConsumer);
  });
  afterAll(() => mq.close());

  it('a failed message comes back after the invisibility window with ctx.attempt 2', async () => {
    const { messageId } = await mq.producer.publish('rd-flaky', { x: 1 });
    await mq.waitFor('message.failed', (e) => e.messageId === messageId);
    expect(groupState(mq.emulator, 'rd-flaky', 'GID_rd')).toEqual({ ready: 0, inflight: 1 });
    mq.advance(300_000);
    const acked = await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(acked.attempt).toBe(2);
    expect(consumer.attempts).toEqual([1, 2]);
  });

  it('beyond maxAttempts the onExhausted method runs (instance as this), then the message is acked', async () => {
    const { messageId } = await mq.producer.publish('rd-poison', 'bad');
    await mq.waitFor('message.failed', (e) => e.messageId === messageId && e.attempt === 1);
    mq.advance(300_000);
    await mq.waitFor('message.failed', (e) => e.messageId === messageId && e.attempt === 2);
    mq.advance(300_000);
    await mq.waitFor('message.exhausted', (e) => e.messageId === messageId);
    const acked = await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(acked.attempt).toBe(3);
    expect(consumer.parked).toEqual([{ id: messageId, attempt: 3, self: true }]);
    expect(groupState(mq.emulator, 'rd-poison', 'GID_rd')).toEqual({ ready: 0, inflight: 0 });
  });

  it('onExhausted may be a function, called with the instance as this', async () => {
    const { messageId } = await mq.producer.publish('rd-poison-fn', 'bad');
    await mq.waitFor('message.failed', (e) => e.messageId === messageId);
    mq.advance(300_000);
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(consumer.parkedByFn).toEqual([messageId]);
  });
});
