/**
 * "A filter that ran and returned, whatever its value, handled the error": `onFilteredError`
 * decides. A filter that throws (or rejects) did not. Method-scoped and global filters alike.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Catch,
  Injectable,
  Module,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MQDeliveryRejectedError, MQPayload, type MQFailurePolicy } from '../../lib/index.js';
import { MQConsumer } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

const GROUP = 'GID_filters';

/** What the filter does is in the message: `{ filter: 'void' | 'value' | 'false' | 'null' | ... }`. */
interface Order {
  filter: 'void' | 'value' | 'false' | 'null' | 'rethrow' | 'reject';
}

function act(scope: string, recorder: Recorder, exception: unknown, host: ArgumentsHost): unknown {
  const { filter } = host.getArgByIndex<Order>(0);
  recorder.add(scope, filter);
  switch (filter) {
    case 'void':
      return undefined;
    case 'value':
      return 'handled';
    case 'false':
      return false;
    case 'null':
      return null;
    case 'rethrow':
      throw new Error(`rethrow: ${scope} filter`, { cause: exception });
    case 'reject':
      return Promise.reject(new Error(`reject: ${scope} filter`));
  }
}

@Catch()
@Injectable()
class GlobalFilter implements ExceptionFilter {
  constructor(private readonly recorder: Recorder) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    return act('global', this.recorder, exception, host);
  }
}

@Catch()
@Injectable()
class ScopedFilter implements ExceptionFilter {
  constructor(private readonly recorder: Recorder) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    return act('scoped', this.recorder, exception, host);
  }
}

@Injectable()
class FailingConsumers {
  @MQConsumer('fo-scoped', GROUP)
  @UseFilters(ScopedFilter)
  scoped(@MQPayload() order: Order): void {
    throw new Error(`handler failed (${order.filter})`);
  }

  /** No filter of its own: the global one runs. */
  @MQConsumer('fo-global', GROUP)
  global(@MQPayload() order: Order): void {
    throw new Error(`handler failed (${order.filter})`);
  }
}

@Module({
  providers: [
    Recorder,
    ScopedFilter,
    FailingConsumers,
    { provide: APP_FILTER, useClass: GlobalFilter },
  ],
})
class FilterModule {}

async function deliver(mq: MQTestingHarness, topic: string, order: Order) {
  const { messageId } = await mq.producer.publish(topic, order);
  return Promise.race([
    mq.waitFor('message.acked', (e) => e.messageId === messageId),
    mq.waitFor('message.failed', (e) => e.messageId === messageId),
  ]);
}

const RETURNS = ['void', 'value', 'false', 'null'] as const;
const THROWS = ['rethrow', 'reject'] as const;
const SCOPES = [
  ['fo-scoped', 'scoped'],
  ['fo-global', 'global'],
] as const;

describe.each<MQFailurePolicy>(['retry', 'ack'])('filters with onFilteredError: %s', (policy) => {
  let mq: MQTestingHarness;
  let recorder: Recorder;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [FilterModule] },
      { configure: quiet, module: { onFilteredError: policy } },
    );
    recorder = mq.moduleRef.get(Recorder);
  });
  afterAll(() => mq.close());

  describe.each(SCOPES)('%s (%s filter)', (topic, scope) => {
    it.each(RETURNS)(`a filter that returns %s handled the error → ${policy}`, async (filter) => {
      const done = await deliver(mq, topic, { filter });
      expect(recorder.of(scope).at(-1)).toBe(filter);
      if (policy === 'ack') {
        expect(done.type).toBe('message.acked');
      } else {
        expect(done.type).toBe('message.failed');
        const error = (done as { error: unknown }).error as MQDeliveryRejectedError;
        expect(error).toBeInstanceOf(MQDeliveryRejectedError);
        expect(error.reason).toBe('filtered');
        expect(error.message).toContain(`(onFilteredError: 'retry'): Error: handler failed`);
        expect((error.cause as Error).message).toBe(`handler failed (${filter})`);
      }
    });

    it.each(THROWS)('a filter that does %s did not handle it → not acked', async (filter) => {
      const done = await deliver(mq, topic, { filter });
      expect(done.type).toBe('message.failed');
      expect((done as { error: Error }).error.message).toBe(`${filter}: ${scope} filter`);
    });
  });

  it('leaves exactly the failures unacked', () => {
    // Every delivery above settled: retry leaves all in flight, ack only the throwing filters'.
    const expected = policy === 'ack' ? THROWS.length : RETURNS.length + THROWS.length;
    for (const [topic] of SCOPES) {
      expect(groupState(mq.emulator, topic, GROUP)).toEqual({ ready: 0, inflight: expected });
    }
  });
});
