/**
 * HmacSha1Key (two one-shot hashes over reused pad buffers) against node:crypto's createHmac, the
 * reference: message lengths around every block boundary (the inner hash sees 64 + n bytes),
 * UTF-8 in messages and keys, empty keys, keys of exactly one block and longer (hashed first),
 * messages that outgrow the key's buffer, and one key reused across all of them.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { HmacSha1Key } from '../../../lib/protocol/hmac-sha1.js';

const reference = (secret: string, message: string): string =>
  createHmac('sha1', secret).update(message, 'utf8').digest('base64');

const SECRETS = [
  '',
  'k',
  'testSecret',
  'ключ-秘密-🔑',
  'x'.repeat(63),
  'y'.repeat(64),
  'z'.repeat(65),
  's'.repeat(300),
];

describe('HmacSha1Key', () => {
  it.each(SECRETS.map((s) => [s.length, s]))(
    'secret of %i chars: every length 0–300',
    (_n, secret) => {
      const key = new HmacSha1Key(secret as string);
      for (let n = 0; n <= 300; n++) {
        const message = Array.from({ length: n }, (_, i) =>
          String.fromCharCode(32 + ((i * 7 + n) % 95)),
        ).join('');
        expect(key.sign(message)).toBe(reference(secret as string, message));
      }
    },
  );

  it('UTF-8 messages, and messages far longer than the first buffer (it grows, the key stays)', () => {
    const key = new HmacSha1Key('testSecret');
    for (const message of [
      'é',
      '€uro',
      '😀 and 日本語',
      'a'.repeat(5000),
      '語'.repeat(3000),
      'tail',
    ]) {
      expect(key.sign(message)).toBe(reference('testSecret', message));
    }
  });

  it('matches createHmac for arbitrary secrets and messages', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.array(fc.string({ maxLength: 400 }), { maxLength: 5 }),
        (secret, messages) => {
          const key = new HmacSha1Key(secret);
          for (const message of messages)
            expect(key.sign(message)).toBe(reference(secret, message));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts the secret as bytes', () => {
    const bytes = Buffer.from('testSecret', 'utf8');
    expect(new HmacSha1Key(bytes).sign('abc')).toBe(reference('testSecret', 'abc'));
  });
});
