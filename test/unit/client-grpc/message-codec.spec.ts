import { describe, expect, it } from '@jest/globals';
import { MQInvalidArgumentError } from '../../../lib/client/index.js';
import { decodeMessage, encodePublish } from '../../../lib/client-grpc/message.codec.js';
import { bodyDigest } from '../../../lib/protocol-grpc/grpc.digest.js';

const NOW = Date.UTC(2026, 0, 1);
const MAX = 4 * 1024 * 1024;

describe('encodePublish', () => {
  it('types a message by what it carries and keeps the namespace on its topic', () => {
    const plain = encodePublish(
      't',
      'ns',
      { body: 'x', tag: 'A', key: 'k', properties: { p: '1' } },
      MAX,
      NOW,
    );
    expect(plain.type).toBe('NORMAL');
    expect(plain.message.topic).toEqual({ name: 't', resourceNamespace: 'ns' });
    expect(plain.message.systemProperties).toMatchObject({
      tag: 'A',
      keys: ['k'],
      messageType: 'NORMAL',
    });
    expect(plain.message.userProperties).toEqual({ p: '1' });
    expect(plain.messageId).toMatch(/^[0-9A-F]{34}$/);
    const fifo = encodePublish('t', '', { body: 'x', shardingKey: 'c-1' }, MAX, NOW);
    expect(fifo.message.systemProperties).toMatchObject({
      messageType: 'FIFO',
      messageGroup: 'c-1',
    });
    const delay = encodePublish('t', '', { body: 'x', delayMs: 1_500 }, MAX, NOW);
    expect(delay.type).toBe('DELAY');
    expect(delay.message.systemProperties.deliveryTimestamp).toEqual({
      seconds: NOW / 1000 + 1,
      nanos: 500_000_000,
    });
    const tx = encodePublish('t', '', { body: 'x', transCheckImmunitySeconds: 30 }, MAX, NOW);
    expect(tx.message.systemProperties).toMatchObject({
      messageType: 'TRANSACTION',
      orphanedTransactionRecoveryDuration: { seconds: 30, nanos: 0 },
    });
  });

  it.each([
    [{ body: '' }, 'body', 'must not be empty'],
    [{ body: 'x'.repeat(11) }, 'body', 'is 11 bytes; the server accepts at most 10'],
    [{ body: 'x', tag: 'a|b' }, 'tag', "must not contain '|'"],
    [{ body: 'x', tag: 'a\nb' }, 'tag', 'control characters'],
    [
      { body: 'x', shardingKey: 'g', delayMs: 10 },
      'shardingKey',
      'cannot be combined with deliverAt/delayMs',
    ],
    [
      { body: 'x', transCheckImmunitySeconds: 10, shardingKey: 'g' },
      'transCheckImmunitySeconds',
      'cannot also have',
    ],
    [{ body: 'x', transCheckImmunitySeconds: 0 }, 'transCheckImmunitySeconds', 'from 1 to 3600'],
    [{ body: 'x', deliverAt: 1, delayMs: 1 }, 'deliverAt', 'pick one'],
    [{ body: 'x', properties: { k: 1 } }, 'properties.k', 'must be a string'],
  ])('refuses %j (%s)', (input, argument, problem) => {
    let error: unknown;
    try {
      encodePublish('t', '', input as never, 10, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MQInvalidArgumentError);
    expect((error as MQInvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toContain(problem);
  });
});

describe('decodeMessage', () => {
  const body = Buffer.from('{"id":1}');
  const delivered = (digest: { type: 'CRC32' | 'MD5' | 'SHA1'; checksum: string }) => ({
    topic: { name: 't' },
    userProperties: { p: '1' },
    body,
    systemProperties: {
      messageId: 'M1',
      receiptHandle: 'h',
      bodyDigest: digest,
      tag: 'A',
      keys: ['k1', 'k2'],
      messageGroup: 'g',
      deliveryAttempt: 3,
      bornTimestamp: { seconds: 100, nanos: 0 },
      storeTimestamp: { seconds: 101, nanos: 0 },
    },
  });

  it.each(['CRC32', 'MD5', 'SHA1'] as const)('accepts a body matching its %s digest', (type) => {
    const message = decodeMessage(delivered(bodyDigest(type, body)), 5_000, 30_000, true)!;
    expect(message).toMatchObject({
      messageId: 'M1',
      receiptHandle: 'h',
      body: '{"id":1}',
      tag: 'A',
      key: 'k1 k2',
      shardingKey: 'g',
      consumedTimes: 3,
      publishTime: 101_000,
      nextConsumeTime: 35_000,
      properties: { p: '1' },
    });
    expect(message.bodyMd5).toBe(bodyDigest('MD5', body).checksum);
  });

  it('returns undefined for a body that does not match its digest (unless verification is off)', () => {
    const bad = delivered({ type: 'CRC32', checksum: '1' });
    expect(decodeMessage(bad, 0, 30_000, true)).toBeUndefined();
    expect(decodeMessage(bad, 0, 30_000, false)?.body).toBe('{"id":1}');
  });
});
