/**
 * A RocketMQ 5 `Message` of SendMessage → the broker's publish input, with the proxy's checks
 * (SendMessageActivity) and their codes. The broker model is shared with the HTTP protocol:
 * message group = `__SHARDINGKEY`, delivery timestamp = `__STARTDELIVERTIME`, transactional =
 * `__TransCheckT` (orphaned-transaction recovery seconds), keys = `KEYS` (space-separated).
 */
import { gunzipSync } from 'node:zlib';
import { MQ_LIMITS, RESERVED_PROPERTY } from '../../protocol/index.js';
import {
  bodyDigestMatches,
  durationToMs,
  ROCKETMQ5_PROXY_DEFAULTS as PROXY,
  timestampToMs,
  type Message,
} from '../../protocol-grpc/index.js';
import { BODY_ENCODING_PROPERTY, bodyFromBytes, BASE64_BODY } from '../broker/message.body.js';
import type { PublishInput } from '../broker/publish.rules.js';
import { fail } from './grpc.errors.js';
import { hasControlCharacter } from './resource.rules.js';

/** The message types the emulator stores (LITE and PRIORITY are not emulated). */
export type StoredMessageType = 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION';

export interface InboundMessage {
  input: PublishInput;
  type: StoredMessageType;
}

/** Keys no user property may use: the broker's reserved properties and RocketMQ system keys. */
const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.values(RESERVED_PROPERTY),
  BODY_ENCODING_PROPERTY,
  'TAGS',
  'DELAY',
  'UNIQ_KEY',
  'TRAN_MSG',
  'TIMER_DELIVER_MS',
  'TIMER_DELAY_SEC',
  'CHECK_IMMUNITY_TIME_IN_SECONDS',
  'PGROUP',
  'MSG_REGION',
  'TRACE_ON',
  'RETRY_TOPIC',
  'REAL_TOPIC',
  'REAL_QID',
  'ORIGIN_MESSAGE_ID',
  'RECONSUME_TIME',
  'MAX_RECONSUME_TIMES',
  'BORN_HOST',
  'BORN_TIMESTAMP',
  'POP_CK',
]);

/** Orphaned-transaction recovery: the broker's check-immunity range (seconds); default the minimum. */
const MIN_RECOVERY_SECONDS = MQ_LIMITS.minTransCheckImmunitySeconds;
const MAX_RECOVERY_SECONDS = MQ_LIMITS.maxTransCheckImmunitySeconds;

export function toPublishInput(message: Message, now: number): InboundMessage {
  const sp = message.systemProperties ?? {};
  const messageId = sp.messageId ?? '';
  if (messageId.trim() === '') fail('ILLEGAL_MESSAGE_ID', 'message id cannot be empty');
  if (!/^[0-9A-Za-z_]{1,128}$/.test(messageId)) {
    fail(
      'ILLEGAL_MESSAGE_ID',
      'the emulator accepts message ids of 1 to 128 letters, digits or underscores',
    );
  }
  const type = messageType(sp.messageType, sp);
  const properties = new Map<string, string>();
  let userBytes = 0;

  const user = message.userProperties ?? {};
  const userKeys = Object.keys(user);
  if (userKeys.length > PROXY.maxUserProperties) {
    fail(
      'MESSAGE_PROPERTIES_TOO_LARGE',
      `too many user properties, max is ${PROXY.maxUserProperties}`,
    );
  }
  for (const key of userKeys) {
    const value = user[key]!;
    if (RESERVED_KEYS.has(key))
      fail('ILLEGAL_MESSAGE_PROPERTY_KEY', `property is used by system: ${key}`);
    if (key === '' || hasControlCharacter(key)) {
      fail(
        'ILLEGAL_MESSAGE_PROPERTY_KEY',
        'the key of property cannot be empty or contain control character',
      );
    }
    if (hasControlCharacter(value)) {
      fail(
        'ILLEGAL_MESSAGE_PROPERTY_KEY',
        'the value of property cannot contain control character',
      );
    }
    // Messages are shared with the HTTP protocol, whose properties are `key:value|` pairs.
    if (/[:|]/.test(key) || value.includes('|')) {
      fail(
        'ILLEGAL_MESSAGE_PROPERTY_KEY',
        `property ${JSON.stringify(key)}: the emulator stores properties as the HTTP protocol does, so keys cannot contain ":" or "|" and values cannot contain "|"`,
      );
    }
    userBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    properties.set(key, value);
  }

  const tag = sp.tag;
  if (tag !== undefined && tag !== '') {
    if (tag.trim() === '')
      fail('ILLEGAL_MESSAGE_TAG', 'tag cannot be the char sequence of whitespace');
    if (tag.includes('|')) fail('ILLEGAL_MESSAGE_TAG', "tag cannot contain '|'");
    if (hasControlCharacter(tag))
      fail('ILLEGAL_MESSAGE_TAG', 'tag cannot contain control character');
    if (tag.length > MQ_LIMITS.maxTagLength) {
      fail('ILLEGAL_MESSAGE_TAG', `tag is longer than ${MQ_LIMITS.maxTagLength} characters`);
    }
    userBytes += Buffer.byteLength(tag);
  }

  const keys = sp.keys ?? [];
  for (const key of keys) {
    if (key.trim() === '')
      fail('ILLEGAL_MESSAGE_KEY', 'key cannot be the char sequence of whitespace');
    if (hasControlCharacter(key))
      fail('ILLEGAL_MESSAGE_KEY', 'key cannot contain control character');
    if (key.includes('|'))
      fail('ILLEGAL_MESSAGE_KEY', "the emulator cannot store a key containing '|'");
    userBytes += Buffer.byteLength(key);
  }
  if (userBytes > PROXY.maxUserPropertyBytes) {
    fail(
      'MESSAGE_PROPERTIES_TOO_LARGE',
      `the total size of user property is too large, max is ${PROXY.maxUserPropertyBytes}`,
    );
  }
  if (keys.length > 0) properties.set(RESERVED_PROPERTY.KEYS, keys.join(' '));

  if (type === 'FIFO') {
    const group = sp.messageGroup ?? '';
    if (group.trim() === '')
      fail('ILLEGAL_MESSAGE_GROUP', 'message group cannot be the char sequence of whitespace');
    if (Buffer.byteLength(group) >= PROXY.maxMessageGroupBytes) {
      fail(
        'ILLEGAL_MESSAGE_GROUP',
        `message group exceed the max size ${PROXY.maxMessageGroupBytes}`,
      );
    }
    if (hasControlCharacter(group) || group.includes('|')) {
      fail('ILLEGAL_MESSAGE_GROUP', "message group cannot contain control character or '|'");
    }
    properties.set(RESERVED_PROPERTY.SHARDING_KEY, group);
  } else if (type === 'DELAY') {
    const at = timestampToMs(sp.deliveryTimestamp);
    if (at === undefined)
      fail('ILLEGAL_DELIVERY_TIME', 'the delivery timestamp is not a valid timestamp');
    if (at - now > MQ_LIMITS.maxTimerHorizonMs) {
      fail(
        'ILLEGAL_DELIVERY_TIME',
        `the max delay time of message is too large, max is ${MQ_LIMITS.maxTimerHorizonMs}`,
      );
    }
    properties.set(RESERVED_PROPERTY.START_DELIVER_TIME, String(Math.max(at, now)));
  } else if (type === 'TRANSACTION') {
    properties.set(
      RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY,
      String(recoverySeconds(sp.orphanedTransactionRecoveryDuration)),
    );
  }

  const body = messageBody(message, sp.bodyEncoding, sp.bodyDigest, type);
  if (body.base64) properties.set(BODY_ENCODING_PROPERTY, BASE64_BODY);
  const input: PublishInput = { body: body.text, properties, messageId };
  if (tag !== undefined && tag !== '') input.tag = tag;
  return { input, type };
}

function messageType(
  declared: string | number | undefined,
  sp: { messageGroup?: string; deliveryTimestamp?: unknown },
): StoredMessageType {
  const hasGroup = sp.messageGroup !== undefined && sp.messageGroup !== '';
  const hasTime = sp.deliveryTimestamp !== undefined && sp.deliveryTimestamp !== null;
  let type: StoredMessageType;
  switch (declared) {
    case 'NORMAL':
    case 'FIFO':
    case 'DELAY':
    case 'TRANSACTION':
      type = declared;
      break;
    case 'LITE':
    case 'PRIORITY':
      fail('NOT_IMPLEMENTED', `${declared} messages are not supported by the emulator`);
      break;
    default:
      // Unspecified: what the fields say, as the proxy reads them.
      type = hasGroup ? 'FIFO' : hasTime ? 'DELAY' : 'NORMAL';
  }
  if (hasGroup && hasTime) {
    fail(
      'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
      'a message cannot have both a message group and a delivery timestamp',
    );
  }
  if ((type === 'FIFO' && !hasGroup) || (type !== 'FIFO' && hasGroup)) {
    fail(
      'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
      'a FIFO message, and only a FIFO message, has a message group',
    );
  }
  if ((type === 'DELAY' && !hasTime) || (type !== 'DELAY' && hasTime)) {
    fail(
      'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
      'a DELAY message, and only a DELAY message, has a delivery timestamp',
    );
  }
  return type;
}

function recoverySeconds(duration: Parameters<typeof durationToMs>[0]): number {
  if (duration === null || duration === undefined) return MIN_RECOVERY_SECONDS;
  const ms = durationToMs(duration);
  if (ms === undefined || ms < 0)
    fail('BAD_REQUEST', 'the transaction recovery duration is invalid');
  const seconds = Math.max(MIN_RECOVERY_SECONDS, Math.ceil(ms / 1000));
  if (seconds > MAX_RECOVERY_SECONDS) {
    fail(
      'BAD_REQUEST',
      `the max transaction recovery time of message is too large, max is ${MAX_RECOVERY_SECONDS}`,
    );
  }
  return seconds;
}

function messageBody(
  message: Message,
  encoding: string | number | undefined,
  digest: { type?: string | number; checksum?: string } | null | undefined,
  type: StoredMessageType,
): { text: string; base64: boolean } {
  let bytes: Uint8Array = message.body ?? Buffer.alloc(0);
  if (
    digest !== null &&
    digest !== undefined &&
    digest.checksum !== undefined &&
    digest.checksum !== ''
  ) {
    if (bodyDigestMatches(digest, bytes) === false)
      fail('MESSAGE_CORRUPTED', 'the body digest does not match the body');
  }
  if (encoding === 'GZIP' || encoding === 2) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: PROXY.maxBodyBytes + 1 });
    } catch {
      fail('MESSAGE_CORRUPTED', 'the body is not valid gzip or inflates beyond the body limit');
    }
  }
  if (bytes.length === 0) fail('MESSAGE_BODY_EMPTY', 'message body cannot be empty');
  const max =
    type === 'DELAY' || type === 'TRANSACTION'
      ? MQ_LIMITS.maxTimerOrTransactionBodyBytes
      : PROXY.maxBodyBytes;
  if (bytes.length > max) {
    fail(
      'MESSAGE_BODY_TOO_LARGE',
      `message body cannot exceed the max ${max}${max === PROXY.maxBodyBytes ? '' : ' for delay and transactional messages'}`,
    );
  }
  return bodyFromBytes(bytes);
}
