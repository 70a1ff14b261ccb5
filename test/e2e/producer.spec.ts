import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { MQConsumer, MQInvalidArgumentError, type MQContext } from '../../lib/index.js';
import { createMQTestingModule, type MQTestingHarness } from '../../lib/testing/index.js';
import { groupState } from './fixtures/emulator-state.js';
import { quiet } from './fixtures/quiet.js';
import { Recorder } from './fixtures/recorder.js';

@Injectable()
class Inbox {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('pr-inbox', 'GID_pr', { concurrency: 4 })
  handle(payload: unknown, message: { body: string }, ctx: MQContext) {
    this.recorder.add('inbox', {
      payload,
      body: message.body,
      tag: ctx.tag,
      key: ctx.key,
      properties: ctx.properties,
    });
  }
}

@Module({ providers: [Recorder, Inbox] })
class InboxModule {}

describe('MQProducer.publish', () => {
  let mq: MQTestingHarness;
  let recorder: Recorder;
  beforeAll(async () => {
    mq = await createMQTestingModule({ imports: [InboxModule] }, { configure: quiet });
    recorder = mq.moduleRef.get(Recorder);
  });
  afterAll(() => mq.close());

  async function roundTrip(body: Parameters<typeof mq.producer.publish>[1], options = {}) {
    const { messageId } = await mq.producer.publish('pr-inbox', body, options);
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    return recorder.of('inbox').at(-1);
  }

  it('sends objects as JSON and strings and bytes as they are', async () => {
    expect(await roundTrip({ a: [1, 2] })).toMatchObject({
      payload: { a: [1, 2] },
      body: '{"a":[1,2]}',
    });
    expect(await roundTrip('plain text')).toMatchObject({
      payload: 'plain text',
      body: 'plain text',
    });
    expect(await roundTrip(new TextEncoder().encode('bytes é'))).toMatchObject({
      payload: 'bytes é',
      body: 'bytes é',
    });
  });

  it('carries tag, key and properties to the consumer context', async () => {
    expect(
      await roundTrip('x', { tag: 'created', key: 'order-7', properties: { tenant: 'acme' } }),
    ).toEqual({
      payload: 'x',
      body: 'x',
      tag: 'created',
      key: 'order-7',
      properties: { tenant: 'acme' },
    });
  });

  it('delays a timer message until its time (virtual clock)', async () => {
    // deliverAt is absolute: with a virtual clock, count from the emulator's time.
    const deliverAt = mq.emulator.admin.now() + 60_000;
    const { messageId } = await mq.producer.publish('pr-inbox', 'later', { deliverAt });
    expect(groupState(mq.emulator, 'pr-inbox', 'GID_pr')).toEqual({ ready: 0, inflight: 0 });
    expect(mq.events.some((e) => e.type === 'message.received' && e.messageId === messageId)).toBe(
      false,
    );
    mq.advance(60_000);
    await mq.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(recorder.of('inbox').at(-1)).toMatchObject({ payload: 'later' });
  });

  it('rejects an unknown option key (a typo is never ignored) and sends nothing', async () => {
    const before = mq.emulator.admin.peek({ topic: 'pr-inbox' }).length;
    await expect(
      mq.producer.publish('pr-inbox', 'typo', { delayMS: 60_000 } as never),
    ).rejects.toThrow('options.delayMS: is not a publish option; did you mean "delayMs"?');
    await expect(
      mq.producer.publishTransactional(
        'pr-inbox',
        'typo',
        { group: 'GID_pr_tx', transCheckImmunitySecond: 20 } as never,
        () => undefined,
      ),
    ).rejects.toThrow('options.transCheckImmunitySecond: is not a publish option');
    expect(mq.emulator.admin.peek({ topic: 'pr-inbox' }).length).toBe(before);
  });

  it('rejects a missing body, naming the argument', async () => {
    await expect(mq.producer.publish('pr-inbox', undefined as never)).rejects.toThrow(
      MQInvalidArgumentError,
    );
    await expect(mq.producer.publish('pr-inbox', null as never)).rejects.toThrow(
      'body: must not be null or undefined',
    );
  });
});
