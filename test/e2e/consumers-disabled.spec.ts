import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { MQConsumer } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

@Injectable()
class OffConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('off-topic', 'GID_off', { name: 'off' })
  handle(payload: unknown) {
    this.recorder.add('off', payload);
  }
}

@Module({ providers: [Recorder, OffConsumer] })
class OffModule {}

describe('consumersEnabled: false', () => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [OffModule] },
      { configure: quiet, module: { consumersEnabled: false } },
    );
  });
  afterAll(() => mq.close());

  it('publishes, but nothing polls: the message waits in the broker', async () => {
    const { messageId } = await mq.producer.publish('off-topic', { a: 1 });
    expect(mq.registry.get('off')).toMatchObject({ status: 'idle', inFlight: 0 });
    expect(mq.emulator.admin.peek({ topic: 'off-topic' }).map((m) => m.messageId)).toEqual([
      messageId,
    ]);
    // No subscription exists: the group never polled.
    expect(mq.emulator.admin.groups().filter((g) => g.group === 'GID_off')).toEqual([]);
    expect(mq.events).toEqual([]);
    expect(mq.moduleRef.get(Recorder).of('off')).toEqual([]);
  });

  it('registry.start(name) still starts a consumer explicitly', async () => {
    mq.registry.start('off');
    expect(mq.registry.get('off')!.status).toBe('running');
    const { messageId } = await mq.producer.publish('off-topic', { a: 2 });
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(mq.moduleRef.get(Recorder).of('off')).toContainEqual({ a: 2 });
  });
});
