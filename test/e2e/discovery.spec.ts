import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Injectable, Module } from '@nestjs/common';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import {
  MQConsumer,
  MQConsumerRegistry,
  MQModule,
  MQProducer,
  type MQContext,
  type MQReceivedMessage,
} from '../../lib/index.js';
import { boot, connectionTo, virtualEmulator } from './fixtures/harness.js';
import { Recorder } from './fixtures/recorder.js';

@Controller()
class WebhookController {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('disc-hooks', 'GID_disc')
  onHook(payload: unknown, message: MQReceivedMessage, ctx: MQContext) {
    this.recorder.add('controller', { payload, body: message.body, topic: ctx.topic });
  }
}

@Injectable()
class TaggedConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('disc-tags', 'GID_disc_red', { tag: 'red' })
  red(payload: unknown, _m: unknown, ctx: MQContext) {
    this.recorder.add('red', { payload, tag: ctx.tag });
  }

  @MQConsumer('disc-tags', 'GID_disc_warm', { tag: ['red', 'orange'] })
  warm(payload: unknown, _m: unknown, ctx: MQContext) {
    this.recorder.add('warm', { payload, tag: ctx.tag });
  }
}

/** Provided with useFactory: discovered through its instance's class. */
class FactoryMadeConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('disc-factory', 'GID_disc', { deserialize: 'text' })
  handle(payload: unknown) {
    this.recorder.add('factory', payload);
  }
}

@Module({
  controllers: [WebhookController],
  providers: [
    Recorder,
    TaggedConsumer,
    {
      provide: 'FACTORY_CONSUMER',
      useFactory: (r: Recorder) => new FactoryMadeConsumer(r),
      inject: [Recorder],
    },
  ],
})
class FeatureModule {}

describe('discovery', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await virtualEmulator();
  });
  afterAll(() => emulator.stop());

  it('finds consumers on controllers, providers and factory providers; tags filter', async () => {
    const { moduleRef, events } = await boot({
      imports: [MQModule.forRoot(connectionTo(emulator)), FeatureModule],
    });
    const producer = moduleRef.get(MQProducer);
    const names = moduleRef
      .get(MQConsumerRegistry)
      .list()
      .map((c) => c.name)
      .sort();
    expect(names).toEqual([
      'FactoryMadeConsumer.handle',
      'TaggedConsumer.red',
      'TaggedConsumer.warm',
      'WebhookController.onHook',
    ]);
    const hook = await producer.publish('disc-hooks', { ping: true });
    const factory = await producer.publish('disc-factory', '{"kept":"as text"}');
    const red = await producer.publish('disc-tags', 'r', { tag: 'red' });
    const orange = await producer.publish('disc-tags', 'o', { tag: 'orange' });
    const blue = await producer.publish('disc-tags', 'b', { tag: 'blue' });
    await events.waitFor('message.acked', (e) => e.messageId === hook.messageId);
    await events.waitFor('message.acked', (e) => e.messageId === factory.messageId);
    await events.waitForMany('message.acked', 2, (e) => e.messageId === red.messageId);
    await events.waitFor('message.acked', (e) => e.messageId === orange.messageId);
    const recorder = moduleRef.get(Recorder);
    expect(recorder.of('controller')).toEqual([
      { payload: { ping: true }, body: '{"ping":true}', topic: 'disc-hooks' },
    ]);
    expect(recorder.of('factory')).toEqual(['{"kept":"as text"}']);
    expect(recorder.of('red')).toEqual([{ payload: 'r', tag: 'red' }]);
    expect(recorder.of('warm')).toEqual([
      { payload: 'r', tag: 'red' },
      { payload: 'o', tag: 'orange' },
    ]);
    // Nobody subscribes to "blue": it stays ready for both groups, never delivered.
    expect(events.events.some((e) => 'messageId' in e && e.messageId === blue.messageId)).toBe(
      false,
    );
    await moduleRef.close();
  });

  it('importing MQModule twice (same definition, and a second forRoot) discovers each consumer once', async () => {
    const mq = MQModule.forRoot(connectionTo(emulator));
    @Module({ imports: [mq, FeatureModule] })
    class ImportsAgain {}
    const { moduleRef, events } = await boot({
      imports: [mq, MQModule.forRoot(connectionTo(emulator)), ImportsAgain],
    });
    expect(moduleRef.get(MQConsumerRegistry).list()).toHaveLength(4);
    const published = await Promise.all(
      [1, 2, 3].map((n) => moduleRef.get(MQProducer).publish('disc-hooks', { n })),
    );
    for (const { messageId } of published) {
      await events.waitFor('message.acked', (e) => e.messageId === messageId);
    }
    const handled = moduleRef
      .get(Recorder)
      .of('controller')
      .map((c) => (c as { payload: { n: number } }).payload.n);
    expect(handled.sort()).toEqual([1, 2, 3]);
    expect(events.events.filter((e) => e.type === 'message.received')).toHaveLength(3);
    await moduleRef.close();
  });

  it('two applications in one process each handle every message once (separate groups)', async () => {
    @Injectable()
    class AppConsumer {
      constructor(private readonly recorder: Recorder) {}

      @MQConsumer('disc-two-apps', 'GID_app', { name: 'app-consumer' })
      handle(payload: unknown) {
        this.recorder.add('app', payload);
      }
    }
    const appA = await boot({
      imports: [
        MQModule.forRoot({
          ...connectionTo(emulator),
          consumers: { 'app-consumer': { group: 'GID_app_a' } },
        }),
      ],
      providers: [Recorder, AppConsumer],
    });
    const appB = await boot({
      imports: [
        MQModule.forRoot({
          ...connectionTo(emulator),
          consumers: { 'app-consumer': { group: 'GID_app_b' } },
        }),
      ],
      providers: [Recorder, AppConsumer],
    });
    const { messageId } = await appA.moduleRef.get(MQProducer).publish('disc-two-apps', { x: 1 });
    await appA.events.waitFor('message.acked', (e) => e.messageId === messageId);
    await appB.events.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(appA.moduleRef.get(Recorder).of('app')).toEqual([{ x: 1 }]);
    expect(appB.moduleRef.get(Recorder).of('app')).toEqual([{ x: 1 }]);
    expect(appA.moduleRef.get(Recorder)).not.toBe(appB.moduleRef.get(Recorder));
    await appA.moduleRef.close();
    // Closing one app leaves the other consuming.
    const second = await appB.moduleRef.get(MQProducer).publish('disc-two-apps', { x: 2 });
    await appB.events.waitFor('message.acked', (e) => e.messageId === second.messageId);
    expect(appB.moduleRef.get(Recorder).of('app')).toEqual([{ x: 1 }, { x: 2 }]);
    await appB.moduleRef.close();
  });
});
