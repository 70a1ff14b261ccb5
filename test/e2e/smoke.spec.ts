import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { MQConsumer, MQCtx, MQPayload, type MQContext } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { Recorder } from './fixtures/recorder.js';

@Injectable()
class OrdersConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('orders', 'GID_orders')
  handle(@MQPayload() payload: unknown, @MQCtx() ctx: MQContext) {
    this.recorder.add('orders', payload, ctx.attempt, ctx.messageId);
  }
}

@Module({ providers: [Recorder, OrdersConsumer] })
class OrdersModule {}

describe('smoke', () => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [OrdersModule] });
  });
  afterAll(() => mq.close());

  it('consumes and acks a published object', async () => {
    const { messageId } = await mq.producer.publish('orders', { id: 1 });
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(mq.moduleRef.get(Recorder).of('orders')).toEqual([{ id: 1 }]);
  });
});
