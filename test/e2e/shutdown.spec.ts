import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { MQConsumer, MQDrainTimeoutError, type MQContext } from '../../lib/index.js';
import { createMQTestingModule } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { Arrivals, Gate, until } from './fixtures/gate.js';
import { quiet } from './fixtures/quiet.js';
import { TRANSPORTS } from './fixtures/transports.js';

@Injectable()
class BusyConsumer {
  readonly gate = new Gate();
  readonly arrivals = new Arrivals();
  readonly finished: number[] = [];
  readonly aborted: unknown[] = [];

  @MQConsumer('sd-work', 'GID_sd', { concurrency: 4, name: 'busy' })
  async handle(payload: { n: number }, _message: unknown, ctx: MQContext) {
    this.arrivals.arrive();
    await Promise.race([
      this.gate.opened,
      new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => {
          this.aborted.push(ctx.signal.reason);
          resolve();
        }),
      ),
    ]);
    if (!ctx.signal.aborted) this.finished.push(payload.n);
  }

  /** Idle long poll (30 s): shutdown must abort it, not wait for it. */
  @MQConsumer('sd-idle', 'GID_sd', { waitSeconds: 30 })
  idle() {}
}

@Module({ providers: [BusyConsumer] })
class BusyModule {}

describe.each(TRANSPORTS)('graceful shutdown on %s', (transport) => {
  it('close() under load: running handlers finish and are acked, the rest stays in the broker', async () => {
    const mq = await createMQTestingModule(
      { imports: [BusyModule] },
      { configure: quiet, transport },
    );
    const consumer = mq.moduleRef.get(BusyConsumer);
    for (let n = 0; n < 10; n++) await mq.producer.publish('sd-work', { n });
    await consumer.arrivals.reached(4);
    const closing = mq.moduleRef.close();
    await until(() => mq.registry.get('busy')!.status === 'stopping');
    consumer.gate.open();
    await closing;
    expect(consumer.finished).toHaveLength(4);
    expect(consumer.arrivals.total).toBe(4); // nothing else started, nothing twice
    const acked = mq.events.filter((e) => e.type === 'message.acked' && e.consumer === 'busy');
    expect(acked).toHaveLength(4);
    expect(groupState(mq.emulator, 'sd-work', 'GID_sd')).toEqual({ ready: 6, inflight: 0 });
    expect(mq.registry.list().map((c) => c.status)).toEqual(['stopped', 'stopped']);
    await mq.close();
  }, 15_000);

  it('a handler still running at the drain deadline is abandoned: its signal aborts, no ack', async () => {
    const mq = await createMQTestingModule(
      { imports: [BusyModule] },
      { configure: quiet, transport, module: { shutdown: { drainTimeoutMs: 50 } } },
    );
    const consumer = mq.moduleRef.get(BusyConsumer);
    const { messageId } = await mq.producer.publish('sd-work', { n: 1 });
    await consumer.arrivals.reached(1);
    await mq.moduleRef.close();
    expect(consumer.aborted).toHaveLength(1);
    expect(consumer.aborted[0]).toBeInstanceOf(MQDrainTimeoutError);
    expect(consumer.finished).toEqual([]);
    const failed = mq.events.find((e) => e.type === 'message.failed' && e.messageId === messageId);
    expect(failed).toBeDefined();
    expect(groupState(mq.emulator, 'sd-work', 'GID_sd')).toEqual({ ready: 0, inflight: 1 });
    await mq.close();
  });
});
