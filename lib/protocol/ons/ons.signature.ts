/**
 * Signatures of the 2017 ONS HTTP API (the service's Python samples, `Util.calSignature`):
 * `base64(HMAC-SHA1(secret, stringToSign))`, where the string to sign joins plain values with `\n`.
 * Values are signed exactly as given (the samples sign the raw topic, group, handle and time).
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { SigningKey } from '../signature.js';

/** `topic\nProducerID\nmd5hex(body)\ntime` (publish). */
export function onsPublishStringToSign(
  topic: string,
  producerId: string,
  bodyMd5Hex: string,
  time: string,
): string {
  return topic + '\n' + producerId + '\n' + bodyMd5Hex + '\n' + time;
}

/** `topic\nConsumerID\ntime` (consume). */
export function onsConsumeStringToSign(topic: string, consumerId: string, time: string): string {
  return topic + '\n' + consumerId + '\n' + time;
}

/** `topic\nConsumerID\nmsgHandle\ntime` (delete). */
export function onsDeleteStringToSign(
  topic: string,
  consumerId: string,
  msgHandle: string,
  time: string,
): string {
  return topic + '\n' + consumerId + '\n' + msgHandle + '\n' + time;
}

/** Lower-case hex MD5 of the body bytes (a string is taken as UTF-8), as the samples' `hexdigest()`. */
export function onsBodyMd5Hex(body: string | Uint8Array): string {
  return hash('md5', body, 'hex');
}

/**
 * Base64 HMAC-SHA1 of the UTF-8 string to sign; the key is the UTF-8 secret or a `createSigningKey`
 * of it.
 */
export function onsSign(key: string | SigningKey, stringToSign: string): string {
  if (typeof key !== 'string') return key.sign(stringToSign);
  return createHmac('sha1', key).update(stringToSign, 'utf8').digest('base64');
}

/** Constant-time check of a received `Signature` header; a wrong length is simply false. */
export function onsVerify(
  key: string | SigningKey,
  stringToSign: string,
  signature: string,
): boolean {
  const expected = Buffer.from(onsSign(key, stringToSign), 'latin1');
  const given = Buffer.from(signature, 'utf8');
  // The expected length (28) is public, so returning early on a length mismatch leaks nothing.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(expected, given);
}
