/** Request signature (PROTOCOL.md §3.1): HMAC-SHA1 over a canonical string, `Authorization: MQ id:sig`. */
import { createHmac } from 'node:crypto';
import { HmacSha1Key } from './hmac-sha1.js';

/** What the signature covers. Header values are taken verbatim (the server uses the actual values). */
export interface SignableRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** `Content-MD5` header value, verbatim; absent → empty line. */
  contentMd5?: string;
  /** `Content-Type` header value, verbatim; absent → empty line. */
  contentType?: string;
  /** `Date` header value, verbatim. */
  date: string;
  /** All request headers, names in any case; only `x-mq-*` ones are signed. */
  headers: Record<string, string | string[] | undefined>;
  /** Raw request-target: path + '?' + raw query, exactly as on the wire. */
  resource: string;
}

/** The canonical string that gets signed. */
export function stringToSign(req: SignableRequest): string {
  return (
    req.method +
    '\n' +
    (req.contentMd5 ?? '') +
    '\n' +
    (req.contentType ?? '') +
    '\n' +
    req.date +
    '\n' +
    canonicalMqHeaders(req.headers) +
    req.resource
  );
}

/**
 * `x-mq-*` headers, names lower-cased, sorted by name, `name:value\n` each, values trimmed.
 * Every other header (Host, security-token, Authorization, …) is not signed.
 */
function canonicalMqHeaders(headers: SignableRequest['headers']): string {
  // Nearly always exactly one header (x-mq-version), so avoid the array and the sort in that case.
  let single: string | undefined;
  let many: Array<[name: string, line: string]> | undefined;
  for (const rawName in headers) {
    if (rawName.length <= 5 || !isMqHeaderName(rawName)) continue;
    const raw = headers[rawName];
    if (raw === undefined) continue;
    const name = rawName.toLowerCase();
    const line = name + ':' + (typeof raw === 'string' ? raw : raw.join(',')).trim() + '\n';
    if (single === undefined) {
      single = line;
      continue;
    }
    many ??= [[single.slice(0, single.indexOf(':')), single]];
    many.push([name, line]);
  }
  if (many === undefined) return single ?? '';
  // Sort by name alone (code-unit order): sorting whole lines would misplace `x-mq-a-b` vs `x-mq-a`.
  many.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let out = '';
  for (const entry of many) out += entry[1];
  return out;
}

/** Case-insensitive `x-mq-` prefix test without allocating a lower-cased copy. */
function isMqHeaderName(name: string): boolean {
  return (
    (name.charCodeAt(0) | 0x20) === 0x78 /* x */ &&
    name.charCodeAt(1) === 0x2d /* - */ &&
    (name.charCodeAt(2) | 0x20) === 0x6d /* m */ &&
    (name.charCodeAt(3) | 0x20) === 0x71 /* q */ &&
    name.charCodeAt(4) === 0x2d
  );
}

/** Base64 HMAC-SHA1 of the string-to-sign, keyed with the UTF-8 AccessKeySecret. */
export function sign(secret: string, req: SignableRequest): string {
  return createHmac('sha1', secret).update(stringToSign(req), 'utf8').digest('base64');
}

/** The AccessKeySecret prepared for signing (see hmac-sha1.ts). */
export type SigningKey = HmacSha1Key;

/**
 * The AccessKeySecret as a signing key: the HMAC's key blocks are hashed once here instead of once
 * per request, so whoever signs many requests with one secret should create it once (and again
 * when the secret changes) and use `signWithKey`.
 */
export function createSigningKey(secret: string): SigningKey {
  return new HmacSha1Key(secret);
}

/** `sign` with a key from `createSigningKey`; same result for the same secret. */
export function signWithKey(key: SigningKey, req: SignableRequest): string {
  return key.sign(stringToSign(req));
}

/** The `Authorization` header value: `MQ {AccessKeyId}:{Signature}`. */
export function authorizationHeader(accessKeyId: string, signature: string): string {
  return 'MQ ' + accessKeyId + ':' + signature;
}

const AUTHORIZATION = /^MQ ([^:]+):(.+)$/;

/** Splits an `Authorization` header; undefined when it does not match `^MQ ([^:]+):(.+)$`. */
export function parseAuthorization(
  value: string,
): { accessKeyId: string; signature: string } | undefined {
  const m = AUTHORIZATION.exec(value);
  return m === null ? undefined : { accessKeyId: m[1] as string, signature: m[2] as string };
}

/**
 * Constant-time check of a received signature; a wrong length is simply false. `key` is the secret
 * or, cheaper for many requests, a key from `createSigningKey`.
 */
export function verifySignature(
  key: string | SigningKey,
  req: SignableRequest,
  signature: string,
): boolean {
  const expected = typeof key === 'string' ? sign(key, req) : signWithKey(key, req);
  return constantTimeEquals(expected, signature);
}

/**
 * `a === b` in time that depends only on the length (the expected signature's length, 28, is
 * public): every code unit is compared, whatever differs first. Strings, not Buffers: two Buffer
 * allocations and `timingSafeEqual` cost more than the HMAC itself saves here.
 */
export function constantTimeEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
