/** Checksums and identifiers (PROTOCOL.md §2.2, §4.9). */
import { hash, randomBytes } from 'node:crypto';

// `crypto.hash` (Node ≥ 20.12; engines say ≥ 20.19) is the one-shot form: no Hash object, ≈2.5× cheaper
// than `createHash().update().digest()` for the small bodies that make up most traffic.

/** `MessageBodyMD5`: upper-case hex MD5 of the UTF-8 bytes of the body text. */
export function bodyMd5(body: string): string {
  return hash('md5', body, 'hex').toUpperCase();
}

/**
 * `Content-MD5` header as Node and Go send it: base64 of the 32-char lower-case hex digest string
 * (not of the 16 raw bytes, §2.2).
 */
export function contentMd5(body: string | Uint8Array): string {
  return Buffer.from(hash('md5', body, 'hex'), 'latin1').toString('base64');
}

/**
 * Does a received `Content-MD5` header match the body? Accepts base64 of the lower-case hex digest
 * (what the SDKs send), of the upper-case hex digest, and of the raw 16-byte digest (RFC 1864).
 * The digest is taken as hex (a 'buffer' digest costs twice as much in Node 20) and each form is
 * encoded from it and compared exactly, the SDKs' form first.
 */
export function contentMd5Matches(header: string, body: Uint8Array): boolean {
  const value = header.trim();
  const hex = hash('md5', body, 'hex');
  if (value.length === 24) return Buffer.from(hex, 'hex').toString('base64') === value;
  if (value.length !== 44) return false;
  return (
    Buffer.from(hex, 'latin1').toString('base64') === value ||
    Buffer.from(hex.toUpperCase(), 'latin1').toString('base64') === value
  );
}

// Identifiers: a random per-process prefix plus a counter. Unique within the process by construction,
// and across processes with overwhelming probability (80 random bits for message ids); no syscall or
// random draw per id. The prefix is redrawn when the counter wraps.
const MESSAGE_COUNTER_SPAN = 2 ** 48;
let messagePrefix = randomHex(10);
let messageCounter = randomBytes(4).readUInt32BE(0);

/** A new `MessageId`: 32 upper-case hex characters (16 bytes, §4.9). */
export function newMessageId(): string {
  if (messageCounter >= MESSAGE_COUNTER_SPAN) {
    messagePrefix = randomHex(10);
    messageCounter = 0;
  }
  const n = messageCounter++;
  // 48 bits: the top 16 above 2^32, then the low 32.
  return messagePrefix + hex4((n / 2 ** 32) >>> 0) + hex8(n >>> 0);
}

const REQUEST_COUNTER_SPAN = 2 ** 32;
let requestPrefix = randomHex(4);
let requestCounter = randomBytes(4).readUInt32BE(0) >>> 8;

/**
 * A new request id: 24 upper-case hex characters whose first 8 are the Unix time in seconds (§2.3),
 * followed by a per-process random prefix and a counter.
 */
export function newRequestId(nowMs: number): string {
  if (!Number.isFinite(nowMs) || nowMs < 0) {
    throw new RangeError(
      `newRequestId: nowMs must be a non-negative epoch time in ms, got ${nowMs}`,
    );
  }
  if (requestCounter >= REQUEST_COUNTER_SPAN) {
    requestPrefix = randomHex(4);
    requestCounter = 0;
  }
  const seconds = Math.floor(nowMs / 1000) % 2 ** 32;
  if (seconds !== requestSecond) {
    requestSecond = seconds;
    requestSecondHex = hex8(seconds);
  }
  return requestSecondHex + requestPrefix + hex8(requestCounter++);
}

/** The seconds part of request ids, formatted once per second. */
let requestSecond = -1;
let requestSecondHex = '';

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex').toUpperCase();
}

// Ids are made per request and per message: a byte table instead of toString(16), toUpperCase()
// and padStart() (three new strings) per number.
const HEX_BYTE = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).toUpperCase().padStart(2, '0'),
);

/** `n` (0 ≤ n < 2^32) as 8 upper-case hex digits. */
function hex8(n: number): string {
  return (
    (HEX_BYTE[n >>> 24] as string) +
    (HEX_BYTE[(n >>> 16) & 0xff] as string) +
    (HEX_BYTE[(n >>> 8) & 0xff] as string) +
    (HEX_BYTE[n & 0xff] as string)
  );
}

/** `n` (0 ≤ n < 2^16) as 4 upper-case hex digits. */
function hex4(n: number): string {
  return (HEX_BYTE[(n >>> 8) & 0xff] as string) + (HEX_BYTE[n & 0xff] as string);
}
