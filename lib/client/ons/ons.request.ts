/**
 * Argument checks (before anything is sent) and the pieces of each request: request-targets with
 * every value percent-encoded (the string to sign takes the raw values, as the samples sign them).
 */
import { ONS_LIMITS, ONS_PATH } from '../../protocol/ons/index.js';
import { MQInvalidArgumentError } from '../client.errors.js';
import { checkIdChars, checkKnownKeys } from '../client.validation.js';
import type { OnsPublishInput } from './ons.types.js';

const INPUT_KEYS: ReadonlySet<string> = new Set(['body', 'tag', 'key', 'deliverAt', 'shardingKey']);

export interface EncodedPublish {
  body: Buffer;
  /** `&tag=…&key=…&startdelivertime=…`, encoded; '' when none. */
  querySuffix: string;
  /** Extra `[name, value, …]` headers (ordered messages). */
  headers: string[];
}

/** ProducerID / ConsumerID: sent raw in a header and signed raw. */
export function checkOnsId(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new MQInvalidArgumentError(argument, 'must be a non-empty string');
  }
  checkIdChars(value, argument);
  return value;
}

export function checkMsgHandle(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new MQInvalidArgumentError('msgHandle', 'must be a non-empty string');
  }
  if (hasLoneSurrogate(value)) {
    throw new MQInvalidArgumentError('msgHandle', 'contains a lone surrogate');
  }
  return value;
}

export function encodePublish(input: OnsPublishInput): EncodedPublish {
  if (input === null || typeof input !== 'object') {
    throw new MQInvalidArgumentError('input', 'must be an object with a body');
  }
  checkKnownKeys(input, INPUT_KEYS, '', 'a field of a published message');
  const body = bodyBytes(input.body);
  let querySuffix = '';
  const tag = optionalText(input.tag, 'tag', ONS_LIMITS.maxTagLength);
  if (tag !== undefined) querySuffix += '&tag=' + encodeURIComponent(tag);
  const key = optionalText(input.key, 'key', ONS_LIMITS.maxKeyLength);
  if (key !== undefined) querySuffix += '&key=' + encodeURIComponent(key);
  if (input.deliverAt !== undefined) {
    querySuffix += '&startdelivertime=' + String(epochMs(input.deliverAt));
  }
  const headers: string[] = [];
  if (input.shardingKey !== undefined) {
    headers.push('shardingKey', checkShardingKey(input.shardingKey), 'isOrder', 'true');
  }
  return { body, querySuffix, headers };
}

export function publishTarget(topic: string, time: string, querySuffix: string): string {
  return ONS_PATH + '?topic=' + encodeURIComponent(topic) + '&time=' + time + querySuffix;
}

export function consumeTarget(topic: string, time: string, num: number): string {
  return ONS_PATH + '?topic=' + encodeURIComponent(topic) + '&time=' + time + '&num=' + num;
}

/** The samples' order: msgHandle, topic, time. */
export function deleteTarget(msgHandle: string, topic: string, time: string): string {
  return (
    ONS_PATH +
    '?msgHandle=' +
    encodeURIComponent(msgHandle) +
    '&topic=' +
    encodeURIComponent(topic) +
    '&time=' +
    time
  );
}

function bodyBytes(body: unknown): Buffer {
  let bytes: Buffer;
  if (typeof body === 'string') {
    if (hasLoneSurrogate(body))
      throw new MQInvalidArgumentError('body', 'contains a lone surrogate');
    bytes = Buffer.from(body, 'utf8');
  } else if (body instanceof Uint8Array) {
    bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  } else {
    throw new MQInvalidArgumentError('body', 'must be a string or a Uint8Array');
  }
  if (bytes.length === 0) throw new MQInvalidArgumentError('body', 'must not be empty');
  if (bytes.length > ONS_LIMITS.maxBodyBytes) {
    throw new MQInvalidArgumentError(
      'body',
      `must be at most ${ONS_LIMITS.maxBodyBytes} bytes (64 KB), got ${bytes.length} bytes`,
    );
  }
  return bytes;
}

function optionalText(value: unknown, argument: string, max: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new MQInvalidArgumentError(argument, 'must be a string');
  if (value.length > max) {
    throw new MQInvalidArgumentError(
      argument,
      `must be at most ${max} characters, got ${value.length}`,
    );
  }
  if (hasLoneSurrogate(value))
    throw new MQInvalidArgumentError(argument, 'contains a lone surrogate');
  return value;
}

function epochMs(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
    throw new MQInvalidArgumentError(
      'deliverAt',
      'must be a valid Date or a non-negative integer epoch time in ms',
    );
  }
  return ms;
}

/** A header value: 1-128 printable ASCII characters. */
function checkShardingKey(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new MQInvalidArgumentError('shardingKey', 'must be a non-empty string');
  }
  if (value.length > ONS_LIMITS.maxKeyLength) {
    throw new MQInvalidArgumentError(
      'shardingKey',
      `must be at most ${ONS_LIMITS.maxKeyLength} characters, got ${value.length}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x7c) {
      throw new MQInvalidArgumentError(
        'shardingKey',
        `must be printable ASCII without '|' (index ${i})`,
      );
    }
  }
  return value;
}

/** `encodeURIComponent` throws on a lone surrogate, and UTF-8 cannot carry one. */
function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return true;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}
