/**
 * The dispatcher tells "the handler ran and failed" from "the pipeline stopped before it" per
 * delivery, without async context. These handlers never receive the ctx or the message and their
 * pipe replaces the payload by a primitive, so nothing the handler gets identifies the delivery;
 * deliveries run concurrently and their pipes take different numbers of ticks.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Injectable,
  Module,
  UseFilters,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { MQConsumer, MQDeliveryRejectedError, MQPayload } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { SwallowFilter } from './fixtures/enhancers.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

const GROUP = 'GID_correlation';

/** `{ n }` → `n`, after `n` extra ticks: later-published deliveries can overtake earlier ones. */
@Injectable()
class SlowNumberPipe implements PipeTransform {
  async transform(value: unknown): Promise<unknown> {
    const n = (value as { n: number }).n;
    for (let i = 0; i < n; i++) await Promise.resolve();
    return n;
  }
}

/** Global: records every argument any handler's pipes see. */
@Injectable()
class ArgsSeenPipe implements PipeTransform {
  readonly seen: string[] = [];

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const v = value as Record<string, unknown>;
    const kind =
      'receiptHandle' in v
        ? 'message'
        : 'signal' in v && 'attempt' in v
          ? 'ctx'
          : JSON.stringify(v);
    this.seen.push(`${metadata.type} ${kind}`);
    return value;
  }
}

@Injectable()
class CorrelationConsumers {
  constructor(private readonly recorder: Recorder) {}

  /** Odd numbers fail inside the handler; even ones succeed. */
  @MQConsumer('dc-parity', GROUP)
  parity(@MQPayload(SlowNumberPipe) n: number) {
    this.recorder.add('parity', n, arguments.length);
    if (n % 2 === 1) throw new Error(`odd ${n}`);
  }

  @MQConsumer('dc-swallow', GROUP)
  @UseFilters(SwallowFilter)
  swallowed(@MQPayload(SlowNumberPipe) n: number) {
    throw new Error(`swallowed ${n}`);
  }

  @MQConsumer('dc-plain', GROUP)
  plain(_payload: unknown, _message: unknown, _ctx: unknown) {
    this.recorder.add('plain', undefined, arguments.length);
  }
}

@Module({
  providers: [
    Recorder,
    SlowNumberPipe,
    ArgsSeenPipe,
    { provide: APP_PIPE, useExisting: ArgsSeenPipe },
    CorrelationConsumers,
  ],
})
class CorrelationModule {}

type Final = { type: string; messageId: string; error?: unknown };

async function deliverAll(mq: MQTestingHarness, topic: string, bodies: object[]) {
  const ids = await Promise.all(
    bodies.map(async (b) => (await mq.producer.publish(topic, b)).messageId),
  );
  return Promise.all(
    ids.map(
      (id) =>
        Promise.race([
          mq.waitFor('message.acked', (e) => e.messageId === id),
          mq.waitFor('message.failed', (e) => e.messageId === id),
        ]) as Promise<Final>,
    ),
  );
}

describe('per-delivery outcome without async context', () => {
  let mq: MQTestingHarness;
  let recorder: Recorder;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [CorrelationModule] }, { configure: quiet });
    recorder = mq.moduleRef.get(Recorder);
  });
  afterAll(() => mq.close());

  it('concurrent deliveries whose handler sees only a number: each gets its own outcome', async () => {
    const ns = [9, 2, 7, 4, 5, 6, 3, 8, 1, 10];
    const finals = await deliverAll(
      mq,
      'dc-parity',
      ns.map((n) => ({ n })),
    );
    finals.forEach((final, i) => {
      const n = ns[i] as number;
      if (n % 2 === 0) {
        expect(final.type).toBe('message.acked');
      } else {
        // A handler failure: retried, and not mistaken for an invalid payload or a guard.
        expect(final.type).toBe('message.failed');
        expect(final.error).not.toBeInstanceOf(MQDeliveryRejectedError);
        expect((final.error as Error).message).toBe(`odd ${n}`);
      }
    });
    expect(recorder.of('parity').sort((a, b) => (a as number) - (b as number))).toEqual(
      [...ns].sort((a, b) => a - b),
    );
    // The handler gets exactly its one declared parameter, nothing appended.
    expect(recorder.calls.filter((c) => c.handler === 'parity').map((c) => c.attempt)).toEqual(
      ns.map(() => 1),
    );
  });

  it('a filter swallowing the handler error is "filtered" for every concurrent delivery', async () => {
    const finals = await deliverAll(mq, 'dc-swallow', [{ n: 3 }, { n: 1 }, { n: 2 }]);
    for (const final of finals) {
      expect(final.type).toBe('message.failed');
      expect((final.error as MQDeliveryRejectedError).reason).toBe('filtered');
    }
  });

  it('global pipes see exactly the three standard arguments of an undecorated handler', async () => {
    const pipe = mq.moduleRef.get(ArgsSeenPipe);
    pipe.seen.length = 0;
    const [final] = await deliverAll(mq, 'dc-plain', [{ a: 1 }]);
    expect(final?.type).toBe('message.acked');
    expect(pipe.seen.sort()).toEqual(['body {"a":1}', 'custom ctx', 'custom message']);
    expect(recorder.calls.filter((c) => c.handler === 'plain').map((c) => c.attempt)).toEqual([3]);
  });
});
