/**
 * The testing helper covers the gRPC front: an emulator started by createMQTestingModule with
 * `grpcPort` serves RocketMQ 5 clients on the same broker as the Nest app's HTTP consumers.
 */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Producer } from 'rocketmq-client-nodejs';
import { MQConsumer, MQCtx, MQPayload, type MQContext } from '../../lib/index.js';
import { createMQTestingModule } from '../../lib/testing/index.js';
import { silentLogger } from '../conformance/rocketmq5/official-client.fixture.js';
import { Recorder } from './fixtures/recorder.js';

@Injectable()
class OrderConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('grpc-orders', 'GID_grpc_orders', { tag: 'created' })
  handle(@MQPayload() payload: unknown, @MQCtx() ctx: MQContext) {
    this.recorder.add('order', { payload, attempt: ctx.attempt, key: ctx.key });
  }
}

@Module({ providers: [Recorder, OrderConsumer] })
class OrdersModule {}

describe('testing helper with the gRPC front', () => {
  it('a Nest consumer receives what the official RocketMQ 5 producer sent', async () => {
    const mq = await createMQTestingModule(
      { imports: [OrdersModule] },
      { emulator: { grpcPort: 0 } },
    );
    const producer = new Producer({
      endpoints: mq.emulator.grpcEndpoint!,
      namespace: mq.emulator.instanceId,
      sessionCredentials: {
        accessKey: mq.emulator.credentials.accessKeyId,
        accessSecret: mq.emulator.credentials.accessKeySecret,
      },
      logger: silentLogger(),
      topic: 'grpc-orders',
    });
    try {
      await producer.startup();
      const receipt = await producer.send({
        topic: 'grpc-orders',
        body: Buffer.from(JSON.stringify({ id: 42 })),
        tag: 'created',
        keys: ['order-42'],
      });
      await mq.waitFor('message.acked', (e) => e.messageId === receipt.messageId);
      expect(mq.moduleRef.get(Recorder).of('order')).toEqual([
        { payload: { id: 42 }, attempt: 1, key: 'order-42' },
      ]);
    } finally {
      await producer.shutdown();
      await mq.close();
    }
  });
});
