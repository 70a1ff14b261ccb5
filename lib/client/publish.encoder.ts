/**
 * Turns an `MQPublishInput` into the publish request body, validating everything the server would
 * reject (PROTOCOL.md §4.2, §5, §7.11) before a byte is sent.
 */
import {
  MQ_LIMITS,
  PropertyError,
  RESERVED_PROPERTY,
  buildPublishRequest,
  encodeProperties,
  findIllegalXmlChar,
  validatePropertyPair,
} from '../protocol/index.js';
import { MQInvalidArgumentError } from './client.errors.js';
import { checkIntRange, checkKnownKeys, checkPublishTag } from './client.validation.js';
import type { MQPublishInput } from './client.types.js';

export interface EncodedPublish {
  /** The request body, UTF-8. */
  xml: Buffer;
  /** The message text, kept to check the server's MessageBodyMD5 against. */
  body: string;
}

const INPUT_KEYS: ReadonlySet<string> = new Set([
  'body',
  'tag',
  'key',
  'properties',
  'deliverAt',
  'delayMs',
  'shardingKey',
  'transCheckImmunitySeconds',
]);

// `fatal` makes invalid UTF-8 throw instead of turning into U+FFFD; the decoder has no state between
// calls without `stream`, so one instance serves every client.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) {
    try {
      return UTF8.decode(body);
    } catch {
      throw new MQInvalidArgumentError(
        'body',
        'bytes are not valid UTF-8; the protocol carries text only, so base64-encode binary payloads',
      );
    }
  }
  throw new MQInvalidArgumentError('body', 'must be a string or a Uint8Array');
}

/** UTF-8 length with a shortcut: a string of n UTF-16 units needs at most 3n bytes. */
function exceedsUtf8Bytes(s: string, limit: number): number | undefined {
  if (s.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(s, 'utf8');
  return bytes > limit ? bytes : undefined;
}

function startDeliverTime(input: MQPublishInput, clock: () => number): number | undefined {
  const { deliverAt, delayMs } = input;
  if (deliverAt === undefined && delayMs === undefined) return undefined;
  // Read only for timer messages: a plain publish never asks the clock.
  const nowMs = clock();
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw new MQInvalidArgumentError('options.clock', `returned ${String(nowMs)}, not epoch ms`);
  }
  if (deliverAt !== undefined && delayMs !== undefined) {
    throw new MQInvalidArgumentError('deliverAt', 'cannot be combined with delayMs; pick one');
  }
  let at: number;
  let argument: string;
  if (deliverAt !== undefined) {
    argument = 'deliverAt';
    at = deliverAt instanceof Date ? deliverAt.getTime() : (deliverAt as number);
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
      throw new MQInvalidArgumentError('deliverAt', 'must be a valid Date or epoch milliseconds');
    }
  } else {
    argument = 'delayMs';
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
      throw new MQInvalidArgumentError('delayMs', `must be a finite number >= 0, got ${delayMs}`);
    }
    at = nowMs + delayMs;
  }
  at = Math.floor(at);
  if (at - nowMs > MQ_LIMITS.maxTimerHorizonMs) {
    throw new MQInvalidArgumentError(argument, 'lies more than 40 days ahead (service limit)');
  }
  return at;
}

function checkReservedValue(value: unknown, argument: string, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new MQInvalidArgumentError(argument, 'must be a string');
  try {
    validatePropertyPair(key, value);
  } catch (err) {
    if (err instanceof PropertyError) {
      throw new MQInvalidArgumentError(
        argument,
        `must be non-empty and free of & " ' < > : | and XML-illegal characters`,
      );
    }
    throw err;
  }
  return value;
}

/** `clock` is the client's "now" (epoch ms), read for timer messages only. */
export function encodePublish(input: MQPublishInput, clock: () => number): EncodedPublish {
  if (input === null || typeof input !== 'object') {
    throw new MQInvalidArgumentError('input', 'must be an object with a body');
  }
  checkKnownKeys(input, INPUT_KEYS, '', 'a field of a published message');
  const body = bodyText(input.body);
  if (body.length === 0) {
    // The service rejects an empty MessageBody and several SDKs cannot consume one (§9.12).
    throw new MQInvalidArgumentError('body', 'must not be empty');
  }
  const tag = checkPublishTag(input.tag);
  const messageKey = checkReservedValue(input.key, 'key', RESERVED_PROPERTY.KEYS);
  const shardingKey = checkReservedValue(
    input.shardingKey,
    'shardingKey',
    RESERVED_PROPERTY.SHARDING_KEY,
  );
  const deliverTime = startDeliverTime(input, clock);
  let transCheck: number | undefined;
  if (input.transCheckImmunitySeconds !== undefined) {
    transCheck = checkIntRange(
      input.transCheckImmunitySeconds,
      'transCheckImmunitySeconds',
      MQ_LIMITS.minTransCheckImmunitySeconds,
      MQ_LIMITS.maxTransCheckImmunitySeconds,
    );
  }
  const user = input.properties;
  if (user !== undefined && (user === null || typeof user !== 'object')) {
    throw new MQInvalidArgumentError('properties', 'must be an object of string values');
  }

  const limit =
    deliverTime !== undefined || transCheck !== undefined
      ? MQ_LIMITS.maxTimerOrTransactionBodyBytes
      : MQ_LIMITS.maxBodyBytes;
  const tooBig = exceedsUtf8Bytes(body, limit);
  if (tooBig !== undefined) {
    throw new MQInvalidArgumentError(
      'body',
      `is ${tooBig} bytes in UTF-8; the limit is ${limit} bytes` +
        (limit === MQ_LIMITS.maxBodyBytes ? '' : ' for timer and transactional messages'),
    );
  }

  // After the size check: no point scanning megabytes we are about to refuse anyway.
  const illegal = findIllegalXmlChar(body);
  if (illegal !== -1) {
    throw new MQInvalidArgumentError(
      'body',
      `contains a character XML 1.0 cannot carry at index ${illegal} (code unit 0x${body
        .charCodeAt(illegal)
        .toString(16)}); base64-encode such payloads`,
    );
  }

  let properties: string | undefined;
  // Skip the encoder entirely for the plain message (the common case).
  if (
    user !== undefined ||
    messageKey !== undefined ||
    shardingKey !== undefined ||
    deliverTime !== undefined ||
    transCheck !== undefined
  ) {
    try {
      properties = encodeProperties({
        messageKey,
        startDeliverTime: deliverTime,
        transCheckImmunitySeconds: transCheck,
        shardingKey,
        user,
      });
    } catch (err) {
      if (err instanceof PropertyError) throw new MQInvalidArgumentError('properties', err.message);
      throw err;
    }
    if (properties !== undefined) {
      const big = exceedsUtf8Bytes(properties, MQ_LIMITS.maxPropertiesBytes);
      if (big !== undefined) {
        throw new MQInvalidArgumentError(
          'properties',
          `total ${big} bytes in UTF-8; the limit is ${MQ_LIMITS.maxPropertiesBytes} bytes`,
        );
      }
    }
  }
  const xml = buildPublishRequest({ body, tag, properties });
  return { xml: Buffer.from(xml, 'utf8'), body };
}
