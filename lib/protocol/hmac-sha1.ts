/**
 * HMAC-SHA1 (RFC 2104) for request signatures: one per call on the client, one per request in the
 * emulator.
 *
 * Why not `createHmac(key).update(s).digest('base64')`: for a 150-byte string-to-sign it costs
 * ≈1.7 µs, mostly setting up a Hmac object and crossing into C++ three times, not hashing. An HMAC
 * is two plain hashes, `SHA1(key ^ opad ‖ SHA1(key ^ ipad ‖ message))`, and Node's one-shot
 * `crypto.hash` runs each in one call; with the two pad blocks written once per key into buffers
 * that are reused, a signature costs ≈0.9 µs. `test/unit/protocol/hmac-sha1.spec.ts` checks it
 * against `createHmac` (lengths around the block boundaries, UTF-8, empty and long keys).
 */
import { hash } from 'node:crypto';

const BLOCK = 64;
const DIGEST = 20;

/** An HMAC-SHA1 key (a UTF-8 secret). Not safe to share between threads (JS has none here). */
const UTF8 = new TextEncoder();

/** An HMAC-SHA1 key (a UTF-8 secret). Not safe to share between threads (JS has none here). */
export class HmacSha1Key {
  /** `key ^ ipad`, then room for the message (grown on demand). */
  private inner = Buffer.alloc(BLOCK + 512);
  /** The message's room in `inner` (a view kept, not made per call). */
  private messageRoom = this.inner.subarray(BLOCK);
  /** `key ^ opad`, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);

  constructor(secret: string | Uint8Array) {
    let key: Uint8Array = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    // RFC 2104: a key longer than the block is replaced by its hash.
    if (key.length > BLOCK) key = hash('sha1', key, 'buffer');
    for (let i = 0; i < BLOCK; i++) {
      const k = key[i] ?? 0;
      this.inner[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
  }

  /** Base64 HMAC-SHA1 of the UTF-8 bytes of `message` (28 characters). */
  sign(message: string): string {
    let written = UTF8.encodeInto(message, this.messageRoom);
    while (written.read < message.length) {
      // Did not fit (a string-to-sign is a few hundred bytes, so this happens once if ever).
      this.grow(BLOCK + 3 * message.length);
      written = UTF8.encodeInto(message, this.messageRoom);
    }
    // 'binary' (latin1) is one char per byte: the 20 digest bytes go into the outer buffer as is.
    const innerDigest = hash('sha1', this.inner.subarray(0, BLOCK + written.written), 'binary');
    this.outer.write(innerDigest, BLOCK, 'latin1');
    return hash('sha1', this.outer, 'base64');
  }

  private grow(size: number): void {
    const bigger = Buffer.alloc(size);
    this.inner.copy(bigger, 0, 0, BLOCK);
    this.inner = bigger;
    this.messageRoom = bigger.subarray(BLOCK);
  }
}
