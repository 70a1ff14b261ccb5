/**
 * OnsHttpClient against the real emulator (virtual clock): publish / consume / delete, tags and
 * keys, redelivery, the service's errors, and delivery across the two APIs (ONS ↔ MQ HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  MQClient,
  MQInvalidArgumentError,
  MQServiceError,
  OnsHttpClient,
} from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('OnsHttpClient against the emulator', () => {
  let emulator: RunningEmulator;
  let ons: OnsHttpClient;
  let mq: MQClient;

  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual' });
    ons = new OnsHttpClient(emulator.endpoint, emulator.credentials);
    mq = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
  });
  afterAll(async () => {
    await ons.close();
    await mq.close();
    await emulator.stop();
  });

  it('publishes, consumes and deletes with tag and key', async () => {
    const published = await ons.publish('TP_client', 'PID_client', {
      body: '订单 #1',
      tag: 'created',
      key: 'order-1',
    });
    expect(published).toEqual({
      messageId: expect.stringMatching(/^[0-9A-F]{32}$/),
      sendStatus: 'SEND_OK',
    });
    await ons.publish('TP_client', 'PID_client', { body: new TextEncoder().encode('bytes') });

    const messages = await ons.consume('TP_client', 'CID_client', { num: 32 });
    expect(messages).toEqual([
      {
        messageId: published.messageId,
        msgHandle: expect.any(String),
        body: '订单 #1',
        bornTime: emulator.admin.now(),
        reconsumeTimes: 0,
        tag: 'created',
        key: 'order-1',
      },
      {
        messageId: expect.any(String),
        msgHandle: expect.any(String),
        body: 'bytes',
        bornTime: emulator.admin.now(),
        reconsumeTimes: 0,
      },
    ]);
    for (const m of messages) await ons.delete('TP_client', 'CID_client', m.msgHandle);
    emulator.admin.advance(300_000);
    expect(await ons.consume('TP_client', 'CID_client')).toEqual([]);
  });

  it('sees an undeleted message again after the invisibility, with reconsumeTimes + 1', async () => {
    await ons.publish('TP_retry', 'PID_client', { body: 'retry me' });
    const [first] = await ons.consume('TP_retry', 'CID_client', { num: 1 });
    expect(first!.reconsumeTimes).toBe(0);
    emulator.admin.advance(300_000);
    const [second] = await ons.consume('TP_retry', 'CID_client', { num: 1 });
    emulator.admin.advance(300_000);
    const [third] = await ons.consume('TP_retry', 'CID_client', { num: 1 });
    expect([second!.reconsumeTimes, third!.reconsumeTimes]).toEqual([1, 2]);
    expect(third!.messageId).toBe(first!.messageId);

    const stale = await rejection(ons.delete('TP_retry', 'CID_client', first!.msgHandle));
    expect(stale).toBeInstanceOf(MQServiceError);
    expect(stale).toMatchObject({ code: 'MSG_HANDLE_EXPIRED', status: 400, retryable: false });
    await ons.delete('TP_retry', 'CID_client', third!.msgHandle);
  });

  it('delivers timer messages at deliverAt', async () => {
    await ons.publish('TP_timer', 'PID_client', {
      body: 'later',
      deliverAt: new Date(emulator.admin.now() + 10_000),
    });
    expect(await ons.consume('TP_timer', 'CID_client')).toEqual([]);
    emulator.admin.advance(10_000);
    expect((await ons.consume('TP_timer', 'CID_client')).map((m) => m.body)).toEqual(['later']);
  });

  it('turns the service errors into MQServiceError (bad signature: 403, not retryable)', async () => {
    const wrong = new OnsHttpClient(emulator.endpoint, {
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: 'wrong-secret-value',
    });
    try {
      const err = await rejection(wrong.consume('TP_client', 'CID_client'));
      expect(err).toBeInstanceOf(MQServiceError);
      expect(err).toMatchObject({ code: 'SIGNATURE_INVALID', status: 403, retryable: false });
      expect(err.message).toContain('consume from topic TP_client');
      expect(err.message).not.toContain('wrong-secret-value');
    } finally {
      await wrong.close();
    }
    const invalid = await rejection(ons.delete('TP_client', 'CID_client', 'garbage'));
    expect(invalid).toMatchObject({ code: 'MSG_HANDLE_INVALID', status: 400 });
  });

  it('checks arguments before sending anything: 64 KB counted in bytes', async () => {
    // 21 846 CJK characters are 65 538 bytes.
    const err = await rejection(
      ons.publish('TP_client', 'PID_client', { body: '中'.repeat(21_846) }),
    );
    expect(err).toBeInstanceOf(MQInvalidArgumentError);
    expect((err as MQInvalidArgumentError).argument).toBe('body');
    expect(err.message).toContain('65538 bytes');
    // Exactly 64 KB passes.
    await ons.publish('TP_limit', 'PID_client', { body: '中'.repeat(21_845) + 'a' });
  });

  it('refuses unknown keys in options and inputs, naming the key and the likely one', async () => {
    const argument = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(MQInvalidArgumentError);
        expect((err as Error).message).toContain('did you mean');
        return (err as MQInvalidArgumentError).argument;
      }
      throw new Error('expected a throw');
    };
    const bad = <T>(value: object): T => value as T;
    expect(
      argument(
        () =>
          new OnsHttpClient(emulator.endpoint, emulator.credentials, bad({ requestTimeout: 5 })),
      ),
    ).toBe('options.requestTimeout');
    const calls: [Promise<unknown>, string][] = [
      [ons.publish('TP_keys', 'PID_keys', bad({ body: 'x', tags: 'a' })), 'tags'],
      [
        ons.publish('TP_keys', 'PID_keys', { body: 'x' }, bad({ timeoutMS: 5 })),
        'options.timeoutMS',
      ],
      [ons.consume('TP_keys', 'CID_keys', bad({ numOfMessages: 1 })), 'options.numOfMessages'],
      [ons.delete('TP_keys', 'CID_keys', 'handle', bad({ signl: undefined })), 'options.signl'],
    ];
    for (const [call, key] of calls) {
      const err = await rejection(call);
      expect(err).toBeInstanceOf(MQInvalidArgumentError);
      expect((err as MQInvalidArgumentError).argument).toBe(key);
    }
    // Nothing was sent: the topic was never created.
    expect(emulator.admin.topics().some((t) => t.topic === 'TP_keys')).toBe(false);
  });

  it('takes a credentials provider, called per request', async () => {
    let calls = 0;
    const rotating = new OnsHttpClient(emulator.endpoint, async () => {
      calls++;
      return emulator.credentials;
    });
    try {
      await rotating.publish('TP_provider', 'PID_client', { body: 'x' });
      await rotating.consume('TP_provider', 'CID_client');
      expect(calls).toBe(2);
    } finally {
      await rotating.close();
    }
  });

  describe('across the two APIs (same broker: ProducerID / ConsumerID are groups)', () => {
    it('publish via ONS → consume and ack via MQClient', async () => {
      const { messageId } = await ons.publish('TP_cross', 'PID_cross', {
        body: '{"id":1}',
        tag: 'created',
        key: 'order-1',
      });
      const [m] = await mq.consume('TP_cross', 'GID_cross', { numOfMessages: 16 });
      expect(m).toMatchObject({
        messageId,
        body: '{"id":1}',
        tag: 'created',
        key: 'order-1',
        consumedTimes: 1,
        properties: {},
      });
      expect((await mq.ack('TP_cross', 'GID_cross', [m!.receiptHandle])).failed).toEqual([]);
    });

    it('publish via MQClient → consume and delete via ONS', async () => {
      const { messageId } = await mq.publish('TP_cross2', {
        body: 'from the new API',
        tag: 'tagged',
        key: 'k-2',
        properties: { user: 'not returned by the old API' },
      });
      const [m] = await ons.consume('TP_cross2', 'GID_cross2');
      expect(m).toEqual({
        messageId,
        msgHandle: expect.any(String),
        body: 'from the new API',
        bornTime: emulator.admin.now(),
        reconsumeTimes: 0,
        tag: 'tagged',
        key: 'k-2',
      });
      await ons.delete('TP_cross2', 'GID_cross2', m!.msgHandle);
      emulator.admin.advance(300_000);
      expect(await mq.consume('TP_cross2', 'GID_cross2')).toEqual([]);
    });

    it('a handle from one API is settled through the other', async () => {
      await ons.publish('TP_cross3', 'PID_cross', { body: 'h' });
      const [viaOns] = await ons.consume('TP_cross3', 'GID_cross3');
      expect((await mq.ack('TP_cross3', 'GID_cross3', [viaOns!.msgHandle])).failed).toEqual([]);
      emulator.admin.advance(300_000);
      expect(await ons.consume('TP_cross3', 'GID_cross3')).toEqual([]);
    });
  });

  it('refuses calls after close()', async () => {
    const closing = new OnsHttpClient(emulator.endpoint, emulator.credentials);
    await closing.close();
    const err = await rejection(closing.consume('TP_client', 'CID_client'));
    expect(err).toBeInstanceOf(MQInvalidArgumentError);
    expect((err as MQInvalidArgumentError).argument).toBe('client');
  });
});
