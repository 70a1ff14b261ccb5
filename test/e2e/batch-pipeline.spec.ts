import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BadRequestException,
  Catch,
  Inject,
  Injectable,
  Module,
  ParseArrayPipe,
  Scope,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { IsInt, Min } from 'class-validator';
import { tap, type Observable } from 'rxjs';
import {
  MQConsumer,
  MQCtx,
  MQDeliveryRejectedError,
  MQPayload,
  getMQBatchContext,
  getMQContext,
  isMQContext,
  type MQBatchContext,
  type MQBatchRequest,
  type MQReceivedMessage,
} from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';
import { TRANSPORTS } from './fixtures/transports.js';

const GROUP = 'GID_batch_pipe';

class ItemDto {
  @IsInt()
  @Min(0)
  n!: number;
}

/** Sees the batch once: records what the execution context holds, denies batches with a `deny`. */
@Injectable()
class BatchGuard implements CanActivate {
  constructor(private readonly recorder: Recorder) {}

  canActivate(context: ExecutionContext): boolean {
    const payloads = context.getArgByIndex<{ deny?: boolean }[]>(0);
    this.recorder.add('guard', {
      isMQ: isMQContext(context),
      type: context.getType(),
      batchSize: getMQBatchContext(context)?.size,
      messageContext: getMQContext(context),
      payloads: payloads.length,
      messages: context.getArgByIndex<MQReceivedMessage[]>(1).length,
    });
    return !payloads.some((p) => p.deny === true);
  }
}

@Injectable()
class CountInterceptor implements NestInterceptor {
  constructor(private readonly recorder: Recorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const size = getMQBatchContext(context)?.size;
    return next.handle().pipe(tap((value) => this.recorder.add('interceptor', { size, value })));
  }
}

/** Reports and returns: "handled", so `onFilteredError` decides (default: not acked). */
@Catch()
class ReportFilter implements ExceptionFilter {
  constructor(private readonly recorder: Recorder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    this.recorder.add('filter', {
      error: (exception as Error).message,
      batchSize: getMQBatchContext(host)?.size,
    });
  }
}

@Injectable()
class PipelineConsumers {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('bp-enhanced', GROUP, { batch: true, autoStart: false })
  @UseGuards(BatchGuard)
  @UseInterceptors(CountInterceptor)
  enhanced(items: { n: number }[]): number {
    this.recorder.add(
      'enhanced',
      items.map((i) => i.n),
    );
    return items.length;
  }

  /** The same guard on its own topic: batches published while it is stopped. */
  @MQConsumer('bp-denied', GROUP, { batch: true, autoStart: false })
  @UseGuards(BatchGuard)
  denied(items: { n: number }[]) {
    this.recorder.add(
      'denied',
      items.map((i) => i.n),
    );
  }

  /** Items validated one by one: ParseArrayPipe with `items`. */
  @MQConsumer('bp-validated', GROUP, { batch: true, autoStart: false })
  validated(@MQPayload(new ParseArrayPipe({ items: ItemDto })) items: ItemDto[]) {
    this.recorder.add('validated', {
      ns: items.map((i) => i.n),
      instances: items.every((i) => i instanceof ItemDto),
    });
  }

  @MQConsumer('bp-invalid', GROUP, { batch: true, autoStart: false })
  invalid(@MQPayload(new ParseArrayPipe({ items: ItemDto })) items: ItemDto[]) {
    this.recorder.add('invalid', items);
  }

  /** Marks the first item done, then fails; the filter swallows the error. */
  @MQConsumer('bp-filtered', GROUP, { batch: true, autoStart: false })
  @UseFilters(ReportFilter)
  filtered(@MQPayload() items: { n: number }[], @MQCtx() ctx: MQBatchContext) {
    ctx.markDone(0);
    throw new Error(`batch of ${items.length} failed`);
  }
}

@Module({
  providers: [Recorder, BatchGuard, CountInterceptor, ReportFilter, PipelineConsumers],
})
class PipelineModule {}

describe.each(TRANSPORTS)('batch handlers through the Nest pipeline on %s', (transport) => {
  let mq: MQTestingHarness;
  let recorder: Recorder;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [PipelineModule] },
      { configure: quiet, transport },
    );
    recorder = mq.moduleRef.get(Recorder);
  });
  afterAll(() => mq.close());

  async function publishAll(topic: string, bodies: object[]): Promise<string[]> {
    const ids: string[] = [];
    for (const body of bodies) ids.push((await mq.producer.publish(topic, body)).messageId);
    return ids;
  }

  it('guards and interceptors run once per batch, with the arrays and the batch context', async () => {
    const ids = await publishAll('bp-enhanced', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    mq.registry.start('PipelineConsumers.enhanced');
    await mq.waitForMany('message.acked', 3, (e) => ids.includes(e.messageId));
    expect(recorder.of('guard')).toEqual([
      {
        isMQ: true,
        type: 'aliyun-mq',
        batchSize: 3,
        messageContext: undefined,
        payloads: 3,
        messages: 3,
      },
    ]);
    expect(recorder.of('interceptor')).toEqual([{ size: 3, value: 3 }]);
    expect(recorder.of('enhanced')).toEqual([[1, 2, 3]]);
  });

  it('a guard denying the batch: the whole batch follows onGuardRejection (not acked)', async () => {
    const ids = await publishAll('bp-denied', [{ n: 4 }, { n: 5, deny: true }]);
    mq.registry.start('PipelineConsumers.denied');
    const failed = await mq.waitForMany('message.failed', 2, (e) => ids.includes(e.messageId));
    for (const event of failed) {
      expect(event.error).toBeInstanceOf(MQDeliveryRejectedError);
      expect((event.error as MQDeliveryRejectedError).reason).toBe('guard');
    }
    expect(recorder.of('denied')).toEqual([]);
    expect(recorder.of('guard').at(-1)).toMatchObject({ batchSize: 2 });
    expect(groupState(mq.emulator, 'bp-denied', GROUP)).toEqual({ ready: 0, inflight: 2 });
  });

  it('ParseArrayPipe({ items }) validates every item: a valid batch gets instances', async () => {
    const ids = await publishAll('bp-validated', [{ n: 1 }, { n: 2 }]);
    mq.registry.start('PipelineConsumers.validated');
    await mq.waitForMany('message.acked', 2, (e) => ids.includes(e.messageId));
    expect(recorder.of('validated')).toEqual([{ ns: [1, 2], instances: true }]);
  });

  it('one invalid item makes the batch invalid: onInvalidMessage for all, the handler never runs', async () => {
    const ids = await publishAll('bp-invalid', [{ n: 3 }, { n: -1 }]);
    mq.registry.start('PipelineConsumers.invalid');
    const failed = await mq.waitForMany('message.failed', 2, (e) => ids.includes(e.messageId));
    const error = failed[0]!.error as MQDeliveryRejectedError;
    expect(error.reason).toBe('invalid');
    const cause = error.cause as BadRequestException;
    expect(cause).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify(cause.getResponse())).toContain('n must not be less than 0');
    expect(recorder.of('invalid')).toEqual([]);
    expect(groupState(mq.emulator, 'bp-invalid', GROUP)).toEqual({ ready: 0, inflight: 2 });
  });

  it('a filter that handles the error: onFilteredError for the batch, marked messages still acked', async () => {
    const ids = await publishAll('bp-filtered', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    mq.registry.start('PipelineConsumers.filtered');
    const acked = await mq.waitFor('message.acked', (e) => ids.includes(e.messageId));
    expect(acked.messageId).toBe(ids[0]);
    const failed = await mq.waitForMany('message.failed', 2, (e) => ids.includes(e.messageId));
    expect(failed.map((e) => e.messageId)).toEqual([ids[1], ids[2]]);
    expect((failed[0]!.error as MQDeliveryRejectedError).reason).toBe('filtered');
    expect(recorder.of('filter')).toEqual([{ error: 'batch of 3 failed', batchSize: 3 }]);
  });
});

/** Request-scoped: one per batch, with the batch as its REQUEST. */
@Injectable({ scope: Scope.REQUEST })
class BatchScope {
  constructor(@Inject(REQUEST) readonly request: MQBatchRequest) {}
}

@Injectable()
class ScopedBatchConsumer {
  constructor(
    private readonly scope: BatchScope,
    private readonly recorder: Recorder,
  ) {}

  @MQConsumer('bp-scoped', GROUP, { batch: true, autoStart: false })
  handle(items: { n: number }[], messages: MQReceivedMessage[], ctx: MQBatchContext) {
    this.recorder.add('scoped', {
      ns: items.map((i) => i.n),
      self: this,
      scope: this.scope,
      sameMessages: this.scope.request.messages === messages,
      sameContext: this.scope.request.context === ctx,
    });
  }
}

@Module({ providers: [Recorder, BatchScope, ScopedBatchConsumer] })
class ScopedModule {}

describe.each(TRANSPORTS)('request-scoped batch consumers on %s', (transport) => {
  let mq: MQTestingHarness;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [ScopedModule] }, { configure: quiet, transport });
  });
  afterAll(() => mq.close());

  it('get one instance tree per batch, with the MQBatchRequest as REQUEST', async () => {
    const first: string[] = [];
    for (let n = 1; n <= 3; n++)
      first.push((await mq.producer.publish('bp-scoped', { n })).messageId);
    mq.registry.start('ScopedBatchConsumer.handle');
    await mq.waitForMany('message.acked', 3, (e) => first.includes(e.messageId));
    const second = (await mq.producer.publish('bp-scoped', { n: 4 })).messageId;
    await mq.waitFor('message.acked', (e) => e.messageId === second);
    const calls = mq.moduleRef.get(Recorder).of('scoped') as {
      ns: number[];
      self: object;
      scope: object;
      sameMessages: boolean;
      sameContext: boolean;
    }[];
    expect(calls.map((c) => c.ns)).toEqual([[1, 2, 3], [4]]);
    expect(calls[0]!.self).not.toBe(calls[1]!.self);
    expect(calls[0]!.scope).not.toBe(calls[1]!.scope);
    expect(calls.every((c) => c.sameMessages && c.sameContext)).toBe(true);
  });
});
