import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ForbiddenException } from '@nestjs/common';
import { MQDeliveryRejectedError } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { GROUP, OutcomeModule } from './fixtures/outcome.consumers.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';
import { TRANSPORTS } from './fixtures/transports.js';

/** Publishes and waits for the delivery's final event (acked or failed). */
async function deliver(mq: MQTestingHarness, topic: string, body: unknown) {
  const { messageId } = await mq.producer.publish(topic, body as object);
  const done = await Promise.race([
    mq.waitFor('message.acked', (e) => e.messageId === messageId),
    mq.waitFor('message.failed', (e) => e.messageId === messageId),
  ]);
  return { messageId, done };
}

describe.each(TRANSPORTS)(
  'outcome table on %s (default policies: a non-success is never acked)',
  (transport) => {
    let mq: MQTestingHarness;
    let recorder: Recorder;
    beforeAll(async () => {
      mq = await createMQTestingModule(
        { imports: [OutcomeModule] },
        { configure: quiet, transport },
      );
      recorder = mq.moduleRef.get(Recorder);
    });
    afterAll(() => mq.close());

    it('handler resolves → ack', async () => {
      const { done } = await deliver(mq, 'o-ok', { a: 1 });
      expect(done.type).toBe('message.acked');
      expect(recorder.of('ok')).toEqual([{ a: 1 }]);
      expect(groupState(mq.emulator, 'o-ok', GROUP)).toEqual({ ready: 0, inflight: 0 });
    });

    it('handler throws, no filter → not acked, the error is reported', async () => {
      const { done } = await deliver(mq, 'o-throw', { a: 2 });
      expect(done.type).toBe('message.failed');
      expect((done as { error: Error }).error.message).toBe('handler failed');
      expect(groupState(mq.emulator, 'o-throw', GROUP)).toEqual({ ready: 0, inflight: 1 });
    });

    it('a filter swallows the error → not acked (onFilteredError: retry)', async () => {
      const { done } = await deliver(mq, 'o-swallow', { a: 3 });
      expect(done.type).toBe('message.failed');
      const error = (done as { error: unknown }).error as MQDeliveryRejectedError;
      expect(error).toBeInstanceOf(MQDeliveryRejectedError);
      expect(error.reason).toBe('filtered');
      expect(recorder.of('swallow')).toEqual([{ a: 3 }]);
      expect(groupState(mq.emulator, 'o-swallow', GROUP).inflight).toBe(1);
    });

    it('a filter that returns nothing has handled the error too → not acked (onFilteredError: retry)', async () => {
      const { done } = await deliver(mq, 'o-void-filter', { a: 31 });
      expect(done.type).toBe('message.failed');
      const error = (done as { error: unknown }).error as MQDeliveryRejectedError;
      expect(error.reason).toBe('filtered');
      expect((error.cause as Error).message).toBe('handler failed, filter returns nothing');
      expect(groupState(mq.emulator, 'o-void-filter', GROUP).inflight).toBe(1);
    });

    it('a filter rethrows → not acked', async () => {
      const { done } = await deliver(mq, 'o-rethrow', { a: 4 });
      expect(done.type).toBe('message.failed');
      expect((done as { error: Error }).error.message).toBe(
        'rethrown: handler failed, filter rethrows',
      );
      expect(groupState(mq.emulator, 'o-rethrow', GROUP).inflight).toBe(1);
    });

    it('a filter returns an observable that errors → not acked', async () => {
      const { done } = await deliver(mq, 'o-observable', { a: 5 });
      expect(done.type).toBe('message.failed');
      expect((done as { error: Error }).error.message).toBe(
        'handler failed, filter answers throwError',
      );
      expect(groupState(mq.emulator, 'o-observable', GROUP).inflight).toBe(1);
    });

    it('a guard denies → handler not called, not acked (onGuardRejection: retry)', async () => {
      const { done } = await deliver(mq, 'o-guard', { a: 6 });
      expect(done.type).toBe('message.failed');
      const error = (done as { error: unknown }).error as MQDeliveryRejectedError;
      expect(error.reason).toBe('guard');
      expect(error.cause).toBeInstanceOf(ForbiddenException);
      expect(recorder.of('guard')).toEqual([]);
      expect(groupState(mq.emulator, 'o-guard', GROUP).inflight).toBe(1);
    });

    it('ValidationPipe rejects the payload of an undecorated handler → not acked (onInvalidMessage)', async () => {
      const { done } = await deliver(mq, 'o-pipe', { id: 'not-a-number', item: 'x' });
      expect(done.type).toBe('message.failed');
      expect(((done as { error: unknown }).error as MQDeliveryRejectedError).reason).toBe(
        'invalid',
      );
      expect(recorder.of('pipe')).toEqual([]);
      expect(groupState(mq.emulator, 'o-pipe', GROUP).inflight).toBe(1);
    });

    it('ValidationPipe accepts a valid payload of an undecorated handler (payload, message, ctx)', async () => {
      const { done } = await deliver(mq, 'o-pipe', { id: 7, item: 'book' });
      expect(done.type).toBe('message.acked');
      expect(recorder.calls.filter((c) => c.handler === 'pipe')).toEqual([
        { handler: 'pipe', payload: { id: 7, item: 'book' }, attempt: 1, messageId: undefined },
      ]);
    });

    it('an interceptor sees the value the handler returned, then the message is acked', async () => {
      const { done } = await deliver(mq, 'o-intercept', { n: 21 });
      expect(done.type).toBe('message.acked');
      expect(recorder.of('interceptor')).toEqual([
        { type: 'aliyun-mq', value: { doubled: 42, topic: 'o-intercept' } },
      ]);
    });

    it('a body that starts like JSON but does not parse is invalid → not acked', async () => {
      const { messageId } = await mq.producer.publish('o-ok', '{"broken": ');
      const failed = await mq.waitFor('message.failed', (e) => e.messageId === messageId);
      expect((failed.error as MQDeliveryRejectedError).reason).toBe('invalid');
      expect(recorder.of('ok')).toEqual([{ a: 1 }]);
    });
  },
);

describe.each(TRANSPORTS)('outcome table on %s with the ack policies', (transport) => {
  let mq: MQTestingHarness;
  let recorder: Recorder;
  beforeAll(async () => {
    mq = await createMQTestingModule(
      { imports: [OutcomeModule] },
      {
        configure: quiet,
        transport,
        module: { onFilteredError: 'ack', onGuardRejection: 'ack', onInvalidMessage: 'ack' },
      },
    );
    recorder = mq.moduleRef.get(Recorder);
  });
  afterAll(() => mq.close());

  it("a filter swallows the error → acked with onFilteredError: 'ack'", async () => {
    const { done } = await deliver(mq, 'o-swallow', { b: 1 });
    expect(done.type).toBe('message.acked');
    expect(recorder.of('swallow')).toEqual([{ b: 1 }]);
    expect(groupState(mq.emulator, 'o-swallow', GROUP)).toEqual({ ready: 0, inflight: 0 });
  });

  it("a filter that returns nothing → acked with onFilteredError: 'ack'", async () => {
    const { done } = await deliver(mq, 'o-void-filter', { b: 11 });
    expect(done.type).toBe('message.acked');
    expect(groupState(mq.emulator, 'o-void-filter', GROUP)).toEqual({ ready: 0, inflight: 0 });
  });

  it("a guard denies → acked with onGuardRejection: 'ack', handler never called", async () => {
    const { done } = await deliver(mq, 'o-guard', { b: 2 });
    expect(done.type).toBe('message.acked');
    expect(recorder.of('guard')).toEqual([]);
  });

  it("a pipe rejects → acked with onInvalidMessage: 'ack'", async () => {
    const { done } = await deliver(mq, 'o-pipe', { id: 'x' });
    expect(done.type).toBe('message.acked');
    expect(recorder.of('pipe')).toEqual([]);
  });

  it('a handler that throws is still not acked, whatever the policies', async () => {
    const { done } = await deliver(mq, 'o-throw', { b: 3 });
    expect(done.type).toBe('message.failed');
    expect(groupState(mq.emulator, 'o-throw', GROUP).inflight).toBe(1);
  });
});
