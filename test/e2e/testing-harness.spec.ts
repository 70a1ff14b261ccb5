import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQProducer } from '../../lib/index.js';
import { createMQTestingModule, MQTestingModule } from '../../lib/testing/index.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

@Injectable()
class EchoConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('th-echo', 'GID_th')
  handle(payload: unknown) {
    this.recorder.add('echo', payload);
  }
}

@Module({ providers: [Recorder, EchoConsumer] })
class EchoModule {}

describe('testing helpers', () => {
  let shared: RunningEmulator;
  beforeAll(async () => {
    shared = await startEmulator({ clock: 'virtual' });
  });
  afterAll(() => shared.stop());

  it('waitFor finds events that happened before it was called, and fails clearly when none comes', async () => {
    const mq = await createMQTestingModule({ imports: [EchoModule] }, { emulator: shared });
    const { messageId } = await mq.producer.publish('th-echo', { hi: 1 });
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    // Already recorded: resolves at once.
    const again = await mq.waitFor('message.received', (e) => e.messageId === messageId);
    expect(again.attempt).toBe(1);
    await expect(mq.waitFor('message.failed', undefined, { timeoutMs: 20 })).rejects.toThrow(
      /^waitFor\('message.failed'\): 0 of 1 matching events within 20 ms; last events: .*message.acked\(EchoConsumer.handle /,
    );
    await mq.close();
  });

  it('leaves an emulator it did not start running; the next harness reuses it', async () => {
    const first = await createMQTestingModule({ imports: [EchoModule] }, { emulator: shared });
    await first.close();
    const second = await createMQTestingModule({ imports: [EchoModule] }, { emulator: shared });
    const { messageId } = await second.producer.publish('th-echo', 'still up');
    await second.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(second.moduleRef.get(Recorder).of('echo')).toEqual(['still up']);
    await second.close();
  });

  it('MQTestingModule.forEmulator wires a TestingModule you build yourself', async () => {
    const moduleRef = await quiet(
      Test.createTestingModule({ imports: [MQTestingModule.forEmulator(shared), EchoModule] }),
    ).compile();
    await moduleRef.init();
    const result = await moduleRef.get(MQProducer).publish('th-other', 'x');
    expect(shared.admin.peek({ topic: 'th-other' }).map((m) => m.messageId)).toEqual([
      result.messageId,
    ]);
    await moduleRef.close();
  });

  it('a failed setup rejects with the bootstrap error', async () => {
    @Injectable()
    class Broken {
      @MQConsumer('th-broken', 'GID_th', { batchSize: 99 })
      handle() {}
    }
    await expect(
      createMQTestingModule({ providers: [Broken] }, { configure: quiet }),
    ).rejects.toThrow('option "batchSize" must be an integer between 1 and 16');
  });
});

@Injectable()
class TimerConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('th-timer', 'GID_th_timer')
  handle(payload: unknown) {
    this.recorder.add('timer', payload);
  }
}

describe('timers under the harness: the producer reads the emulator clock', () => {
  let mq: Awaited<ReturnType<typeof createMQTestingModule>>;
  beforeAll(async () => {
    // The emulator's clock a minute behind the machine's, as after a minute of real test run.
    mq = await createMQTestingModule(
      { providers: [Recorder, TimerConsumer] },
      { emulator: { clock: 'virtual', startTime: Date.now() - 60_000 }, configure: quiet },
    );
  });
  afterAll(() => mq.close());

  it('delayMs counts from the emulator clock: advance(delayMs) delivers it', async () => {
    const { messageId } = await mq.producer.publish('th-timer', { n: 1 }, { delayMs: 60_000 });
    const [stored] = mq.emulator.admin.peek({ topic: 'th-timer' });
    expect(stored?.properties.__STARTDELIVERTIME).toBe(String(mq.emulator.admin.now() + 60_000));
    mq.advance(59_999);
    expect(mq.emulator.admin.groups().find((g) => g.topic === 'th-timer')?.delayed).toBe(1);
    mq.advance(1);
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(mq.moduleRef.get(Recorder).of('timer')).toEqual([{ n: 1 }]);
  });

  it("deliverAt is emulator time, and its 40-day horizon counts from the emulator's now", async () => {
    mq.advance(41 * 24 * 3_600_000);
    const at = mq.emulator.admin.now() + 24 * 3_600_000;
    const { messageId } = await mq.producer.publish('th-timer', { n: 2 }, { deliverAt: at });
    mq.advance(24 * 3_600_000);
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(mq.moduleRef.get(Recorder).of('timer')).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
