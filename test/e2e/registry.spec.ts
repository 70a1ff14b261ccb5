import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { MQConsumer } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

@Injectable()
class ControlledConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('reg-ctl', 'GID_ctl', { name: 'controlled', tag: ['a', 'b'] })
  handle(payload: unknown) {
    this.recorder.add('controlled', payload);
  }

  @MQConsumer('reg-manual', 'GID_ctl', { name: 'manual', autoStart: false })
  manual(payload: unknown) {
    this.recorder.add('manual', payload);
  }
}

@Module({ providers: [Recorder, ControlledConsumer] })
class ControlledModule {}

describe('MQConsumerRegistry', () => {
  let mq: MQTestingHarness;
  let recorder: Recorder;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [ControlledModule] }, { configure: quiet });
    recorder = mq.moduleRef.get(Recorder);
  });
  afterAll(() => mq.close());

  it('lists consumers with their subscription, connection and status', () => {
    expect(mq.registry.list()).toEqual([
      {
        name: 'controlled',
        kind: 'consumer',
        topic: 'reg-ctl',
        group: 'GID_ctl',
        tags: ['a', 'b'],
        connection: 'default',
        status: 'running',
        inFlight: 0,
      },
      {
        name: 'manual',
        kind: 'consumer',
        topic: 'reg-manual',
        group: 'GID_ctl',
        connection: 'default',
        status: 'idle',
        inFlight: 0,
      },
    ]);
    expect(mq.registry.get('nope')).toBeUndefined();
    expect(() => mq.registry.pause('nope')).toThrow(
      'MQConsumerRegistry: no consumer named "nope" (known: "controlled", "manual")',
    );
  });

  it('pause stops new polls (the poll under way still delivers); resume continues', async () => {
    // After a delivery the consumer polls again at once (before its ack completes): so once this
    // is acked, a long poll is surely waiting.
    const warmUp = await mq.producer.publish('reg-ctl', 'warm-up', { tag: 'a' });
    await mq.waitFor('message.acked', (e) => e.messageId === warmUp.messageId);
    mq.registry.pause('controlled');
    await mq.waitFor('consumer.paused', (e) => e.consumer === 'controlled');
    expect(mq.registry.get('controlled')!.status).toBe('paused');
    // The long poll that was already waiting returns this one.
    const first = await mq.producer.publish('reg-ctl', 'first', { tag: 'a' });
    await mq.waitFor('message.acked', (e) => e.messageId === first.messageId);
    // No new poll while paused: this one stays in the broker.
    const second = await mq.producer.publish('reg-ctl', 'second', { tag: 'b' });
    expect(groupState(mq.emulator, 'reg-ctl', 'GID_ctl')).toEqual({ ready: 1, inflight: 0 });
    mq.registry.resume('controlled');
    await mq.waitFor('message.acked', (e) => e.messageId === second.messageId);
    expect(recorder.of('controlled')).toEqual(['warm-up', 'first', 'second']);
  });

  it('autoStart: false waits for start(name); stop(name) stops one consumer', async () => {
    const { messageId } = await mq.producer.publish('reg-manual', 'hello');
    expect(mq.events.some((e) => e.consumer === 'manual')).toBe(false);
    mq.registry.start('manual');
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(recorder.of('manual')).toEqual(['hello']);
    await mq.registry.stop('manual');
    expect(mq.registry.get('manual')!.status).toBe('stopped');
    expect(mq.registry.get('controlled')!.status).toBe('running');
    await mq.waitFor('consumer.stopped', (e) => e.consumer === 'manual');
  });
});
