import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { MQConsumer } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { Arrivals, Gate } from './fixtures/gate.js';
import { quiet } from './fixtures/quiet.js';

@Injectable()
class SlowConsumer {
  readonly gate = new Gate();
  readonly arrivals = new Arrivals();
  running = 0;
  maxRunning = 0;
  readonly handled: number[] = [];

  @MQConsumer('bc-work', 'GID_bc', { concurrency: 3, batchSize: 16 })
  async handle(payload: { n: number }) {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.arrivals.arrive();
    await this.gate.opened;
    this.handled.push(payload.n);
    this.running--;
  }
}

@Module({ providers: [SlowConsumer] })
class SlowModule {}

describe('batch size and concurrency', () => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [SlowModule] }, { configure: quiet });
  });
  afterAll(() => mq.close());

  it('runs at most `concurrency` handlers and never fetches more than free slots', async () => {
    const consumer = mq.moduleRef.get(SlowConsumer);
    const ids: string[] = [];
    for (let n = 0; n < 10; n++) ids.push((await mq.producer.publish('bc-work', { n })).messageId);
    await consumer.arrivals.reached(3);
    // All slots busy: exactly 3 messages are out of the broker, 7 wait there (not in a local buffer).
    expect(groupState(mq.emulator, 'bc-work', 'GID_bc')).toEqual({ ready: 7, inflight: 3 });
    expect(mq.registry.get('SlowConsumer.handle')).toMatchObject({
      inFlight: 3,
      status: 'running',
    });
    consumer.gate.open();
    await mq.waitForMany('message.acked', 10, (e) => ids.includes(e.messageId));
    expect(consumer.handled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(consumer.maxRunning).toBe(3);
    expect(groupState(mq.emulator, 'bc-work', 'GID_bc')).toEqual({ ready: 0, inflight: 0 });
  });
});
