/**
 * Conformance scenarios: a real client drives every operation of the protocol against an in-process
 * emulator (virtual clock, strict auth). The same suite runs for each ConformanceClientFactory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator } from '../../lib/emulator/index.js';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import type {
  ConformanceClient,
  ConformanceClientFactory,
  ConformanceMessage,
} from './conformance.client.js';

const HELLO_MD5 = '5D41402ABC4B2A76B9719D911017C592';

export function describeConformance(factory: ConformanceClientFactory): void {
  describe(`conformance: ${factory.name} against the emulator`, () => {
    let emulator: RunningEmulator;
    let mq: ConformanceClient;

    beforeAll(async () => {
      emulator = await startEmulator({ clock: 'virtual' });
      const { accessKeyId, accessKeySecret } = emulator.credentials;
      mq = factory.create(emulator.endpoint, accessKeyId, accessKeySecret, emulator.instanceId);
    });
    afterAll(async () => {
      await mq.close();
      await emulator.stop();
    });

    const bodies = (messages: ConformanceMessage[]): string[] => messages.map((m) => m.body).sort();

    it('publishes a plain message, consumes it with every field, acks it once', async () => {
      const published = await mq.publish('plain', 'hello');
      expect(published.messageId).toMatch(/^[0-9A-F]{32}$/);
      expect(published.bodyMd5).toBe(HELLO_MD5);
      expect(published.receiptHandle).toBeUndefined();

      const [message, ...rest] = await mq.consume('plain', 'GID_plain', { max: 16 });
      expect(rest).toEqual([]);
      expect(message).toMatchObject({
        messageId: published.messageId,
        body: 'hello',
        bodyMd5: HELLO_MD5,
      });
      expect(message!.consumedTimes).toBe(1);
      expect(message!.publishTime).toBe(emulator.admin.now());
      expect(message!.firstConsumeTime).toBe(emulator.admin.now());
      expect(message!.nextConsumeTime).toBe(emulator.admin.now() + 300_000);
      expect(message!.tag).toBeUndefined();

      expect(await mq.ack('plain', 'GID_plain', [message!.receiptHandle])).toEqual({ failed: [] });
      expect(await mq.consume('plain', 'GID_plain', { max: 16 })).toEqual([]);
      // A used handle is no longer valid.
      const again = await mq.ack('plain', 'GID_plain', [message!.receiptHandle]);
      expect(again.failed).toHaveLength(1);
      expect(again.failed[0]!.receiptHandle).toBe(message!.receiptHandle);
      expect(['MessageNotExist', 'ReceiptHandleError']).toContain(again.failed[0]!.code);
    });

    it('carries tag, message key and user properties', async () => {
      await mq.publish('props', 'with props', {
        tag: 'TagA',
        key: 'order-42',
        properties: { color: 'red', size: 'L' },
      });
      const [message] = await mq.consume('props', 'GID_props', { max: 1, tag: 'TagA' });
      expect(message).toMatchObject({ body: 'with props', tag: 'TagA', key: 'order-42' });
      expect(message!.properties).toMatchObject({ color: 'red', size: 'L' });
      await mq.ack('props', 'GID_props', [message!.receiptHandle]);
    });

    it('keeps bodies with XML-special and non-ASCII characters intact', async () => {
      const body = 'a < b && c > d "quoted" \'single\' 你好 🎉';
      await mq.publish('special', body);
      const [message] = await mq.consume('special', 'GID_special', { max: 1 });
      expect(message!.body).toBe(body);
    });

    it('filters by tag (A||B) while an unfiltered group gets everything', async () => {
      await mq.publish('tags', 'a', { tag: 'TagA' });
      await mq.publish('tags', 'b', { tag: 'TagB' });
      await mq.publish('tags', 'c', { tag: 'TagC' });
      await mq.publish('tags', 'none');
      const filtered = await mq.consume('tags', 'GID_tags_ab', { max: 16, tag: 'TagA||TagB' });
      expect(bodies(filtered)).toEqual(['a', 'b']);
      const all = await mq.consume('tags', 'GID_tags_all', { max: 16 });
      expect(bodies(all)).toEqual(['a', 'b', 'c', 'none']);
    });

    it('delivers every message to each group independently', async () => {
      await mq.publish('fanout', 'to both');
      const [first] = await mq.consume('fanout', 'GID_fan_1', { max: 1 });
      expect(first!.body).toBe('to both');
      await mq.ack('fanout', 'GID_fan_1', [first!.receiptHandle]);
      const [second] = await mq.consume('fanout', 'GID_fan_2', { max: 1 });
      expect(second!.body).toBe('to both');
      expect(second!.messageId).toBe(first!.messageId);
    });

    it('holds a timer message until its delivery time (virtual clock)', async () => {
      const at = emulator.admin.now() + 60_000;
      await mq.publish('timer', 'later', { deliverAt: at });
      expect(await mq.consume('timer', 'GID_timer', { max: 1 })).toEqual([]);
      emulator.admin.advance(59_999);
      expect(await mq.consume('timer', 'GID_timer', { max: 1 })).toEqual([]);
      emulator.admin.advance(1);
      const [message] = await mq.consume('timer', 'GID_timer', { max: 1 });
      expect(message!.body).toBe('later');
    });

    it('redelivers an unacked message after its invisibility with a new handle', async () => {
      await mq.publish('retry', 'again');
      const [first] = await mq.consume('retry', 'GID_retry', { max: 1 });
      expect(await mq.consume('retry', 'GID_retry', { max: 1 })).toEqual([]);
      emulator.admin.advance(300_000);
      const [second] = await mq.consume('retry', 'GID_retry', { max: 1 });
      expect(second!.messageId).toBe(first!.messageId);
      expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
      expect(second!.consumedTimes).toBe(2);
      expect(second!.firstConsumeTime).toBe(first!.firstConsumeTime);
      const stale = await mq.ack('retry', 'GID_retry', [
        first!.receiptHandle,
        second!.receiptHandle,
      ]);
      expect(stale.failed.map((f) => f.receiptHandle)).toEqual([first!.receiptHandle]);
      expect(await mq.consume('retry', 'GID_retry', { max: 1 })).toEqual([]);
    });

    it('reports an unknown receipt handle as a per-handle failure', async () => {
      const result = await mq.ack('plain', 'GID_plain', ['not-a-real-handle']);
      expect(result.failed).toEqual([
        { code: 'ReceiptHandleError', receiptHandle: 'not-a-real-handle' },
      ]);
    });

    it('consumes orderly: in order per sharding key, a partition blocked until its batch is acked', async () => {
      for (const [body, key] of [
        ['k1-1', 'k1'],
        ['k1-2', 'k1'],
        ['k1-3', 'k1'],
        ['k2-1', 'k2'],
      ] as const) {
        await mq.publish('orderly', body, { shardingKey: key });
      }
      const batch = await mq.consume('orderly', 'GID_orderly', { max: 16, orderly: true });
      const k1 = batch.filter((m) => m.shardingKey === 'k1' || m.body.startsWith('k1'));
      expect(k1.map((m) => m.body)).toEqual(['k1-1', 'k1-2', 'k1-3']);
      expect(bodies(batch)).toEqual(['k1-1', 'k1-2', 'k1-3', 'k2-1']);
      expect(batch[0]!.nextConsumeTime - batch[0]!.firstConsumeTime).toBe(60_000);

      // Both partitions are blocked while their messages are unacked.
      await mq.publish('orderly', 'k1-4', { shardingKey: 'k1' });
      expect(await mq.consume('orderly', 'GID_orderly', { max: 16, orderly: true })).toEqual([]);

      // Acking k2's batch unblocks k2 only.
      const k2 = batch.find((m) => m.body === 'k2-1')!;
      await mq.ack('orderly', 'GID_orderly', [k2.receiptHandle]);
      await mq.publish('orderly', 'k2-2', { shardingKey: 'k2' });
      const next = await mq.consume('orderly', 'GID_orderly', { max: 16, orderly: true });
      expect(bodies(next)).toEqual(['k2-2']);
      await mq.ack('orderly', 'GID_orderly', [next[0]!.receiptHandle]);

      // Unacked k1 messages come back after the orderly invisibility (1 minute), before k1-4.
      emulator.admin.advance(60_000);
      const redelivered = await mq.consume('orderly', 'GID_orderly', { max: 16, orderly: true });
      expect(redelivered.map((m) => m.body)).toEqual(['k1-1', 'k1-2', 'k1-3']);
      expect(redelivered.map((m) => m.consumedTimes)).toEqual([2, 2, 2]);
      await mq.ack(
        'orderly',
        'GID_orderly',
        redelivered.map((m) => m.receiptHandle),
      );
      const last = await mq.consume('orderly', 'GID_orderly', { max: 16, orderly: true });
      expect(last.map((m) => m.body)).toEqual(['k1-4']);
    });

    it('commits a transactional message with the publish handle', async () => {
      const published = await mq.publish('tx', 'commit me', { transCheckSeconds: 10 });
      expect(published.receiptHandle).toBeTruthy();
      expect(await mq.consume('tx', 'GID_tx_consumer', { max: 16 })).toEqual([]);
      expect(await mq.commit('tx', 'GID_tx', published.receiptHandle!)).toEqual({ failed: [] });
      const [message] = await mq.consume('tx', 'GID_tx_consumer', { max: 16 });
      expect(message!.body).toBe('commit me');
      await mq.ack('tx', 'GID_tx_consumer', [message!.receiptHandle]);
    });

    it('rolls back a transactional message', async () => {
      const published = await mq.publish('tx', 'roll me back', { transCheckSeconds: 10 });
      expect(await mq.rollback('tx', 'GID_tx', published.receiptHandle!)).toEqual({ failed: [] });
      emulator.admin.advance(10_000);
      expect(await mq.consumeHalf('tx', 'GID_tx', 16)).toEqual([]);
      expect(await mq.consume('tx', 'GID_tx_consumer', { max: 16 })).toEqual([]);
    });

    it('offers an undecided half message to the transaction check after the immunity time', async () => {
      const published = await mq.publish('tx', 'check me', { transCheckSeconds: 10 });
      expect(await mq.consumeHalf('tx', 'GID_tx', 16)).toEqual([]);
      emulator.admin.advance(10_000);
      const [half] = await mq.consumeHalf('tx', 'GID_tx', 16);
      expect(half).toMatchObject({
        messageId: published.messageId,
        body: 'check me',
        consumedTimes: 1,
      });
      // The publish handle expired with the immunity window.
      const late = await mq.commit('tx', 'GID_tx', published.receiptHandle!);
      expect(late.failed).toHaveLength(1);
      expect(await mq.commit('tx', 'GID_tx', half!.receiptHandle)).toEqual({ failed: [] });
      const [message] = await mq.consume('tx', 'GID_tx_consumer', { max: 16 });
      expect(message!.body).toBe('check me');
    });

    it('wakes a long poll as soon as a message is published', async () => {
      const polling = mq.consume('longpoll', 'GID_longpoll', { max: 1, waitSeconds: 20 });
      // Let the poll reach the server and park in the broker before publishing.
      await waitFor(async () => {
        const health = await fetch(`${emulator.endpoint}/_emulator/health`);
        return ((await health.json()) as { longPolls: number }).longPolls === 1;
      });
      await mq.publish('longpoll', 'wake up');
      const [message] = await polling;
      expect(message!.body).toBe('wake up');
    });

    it('rejects a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidAccessKeyId', async () => {
      const wrongSecret = factory.create(
        emulator.endpoint,
        emulator.credentials.accessKeyId,
        'wrong',
        emulator.instanceId,
      );
      const unknownKey = factory.create(emulator.endpoint, 'nobody', 'wrong', emulator.instanceId);
      try {
        const a = await wrongSecret.publish('plain', 'x').then(
          () => undefined,
          (err: unknown) => factory.errorCode(err),
        );
        expect(a).toBe('SignatureDoesNotMatch');
        const b = await unknownKey.consume('plain', 'GID_plain', { max: 1 }).then(
          () => undefined,
          (err: unknown) => factory.errorCode(err),
        );
        expect(b).toBe('InvalidAccessKeyId');
      } finally {
        await wrongSecret.close();
        await unknownKey.close();
      }
    });

    it('answers TopicNotExist for an undeclared topic in strict mode', async () => {
      const strict = await startEmulator({
        autoCreate: false,
        topics: [{ name: 'declared', instanceId: 'MQ_INST_emulator' }],
        groups: [{ id: 'GID_declared', instanceId: 'MQ_INST_emulator' }],
      });
      const client = factory.create(
        strict.endpoint,
        strict.credentials.accessKeyId,
        strict.credentials.accessKeySecret,
        strict.instanceId,
      );
      try {
        const code = await client.publish('undeclared', 'x').then(
          () => undefined,
          (err: unknown) => factory.errorCode(err),
        );
        expect(code).toBe('TopicNotExist');
        await client.publish('declared', 'fine');
        const [message] = await client.consume('declared', 'GID_declared', { max: 1 });
        expect(message!.body).toBe('fine');
      } finally {
        await client.close();
        await strict.stop();
      }
    });
  });
}

/** Polls a condition on the event loop (no fixed sleep). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
