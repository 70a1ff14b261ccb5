/**
 * The package's message vocabulary ↔ RocketMQ 5 `Message`s. Publishing: `MQPublishInput` becomes a
 * Message with its type (NORMAL, FIFO for a sharding key = message group, DELAY for a delivery
 * time, TRANSACTION for a half message), checked before a byte is sent. Receiving: a delivered
 * Message becomes an `MQReceivedMessage`, its body digest verified.
 */
import { hash } from 'node:crypto';
import { hostname } from 'node:os';
import { MQInvalidArgumentError } from '../client/client.errors.js';
import type { MQPublishInput, MQReceivedMessage } from '../client/client.types.js';
import { bodyDigestMatches } from '../protocol-grpc/grpc.digest.js';
import { ROCKETMQ5_PROXY_DEFAULTS } from '../protocol-grpc/grpc.limits.js';
import {
  durationToMs,
  msToDuration,
  msToTimestamp,
  timestampToMs,
} from '../protocol-grpc/grpc.time.js';
import type { Message, MessageType, SystemProperties } from '../protocol-grpc/grpc.types.js';
import { hasControlChar } from './grpc.validation.js';
import { newMessageId } from './message-id.js';

const BORN_HOST = hostname();

export interface EncodedMessage {
  message: Message & { systemProperties: SystemProperties };
  messageId: string;
  type: MessageType;
  body: Buffer;
}

function bodyBytes(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) {
    return Buffer.isBuffer(body)
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  throw new MQInvalidArgumentError('body', 'must be a string or a Uint8Array');
}

function checkText(value: unknown, argument: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new MQInvalidArgumentError(argument, 'must be a non-empty string');
  }
  if (hasControlChar(value)) {
    throw new MQInvalidArgumentError(argument, `must not contain control characters (${what})`);
  }
  return value;
}

function deliveryTime(input: MQPublishInput, now: number): number | undefined {
  const { deliverAt, delayMs } = input;
  if (deliverAt !== undefined && delayMs !== undefined) {
    throw new MQInvalidArgumentError('deliverAt', 'cannot be combined with delayMs; pick one');
  }
  if (deliverAt !== undefined) {
    const at = deliverAt instanceof Date ? deliverAt.getTime() : deliverAt;
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
      throw new MQInvalidArgumentError('deliverAt', 'must be a valid Date or epoch milliseconds');
    }
    return Math.floor(at);
  }
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
      throw new MQInvalidArgumentError('delayMs', `must be a finite number >= 0, got ${delayMs}`);
    }
    return Math.floor(now + delayMs);
  }
  return undefined;
}

/**
 * Validates a publish and builds its Message. `systemProperties.queueId` is set by the caller once
 * the topic's route is known.
 */
export function encodePublish(
  topic: string,
  namespace: string,
  input: MQPublishInput,
  maxBodyBytes: number,
  now: number = Date.now(),
): EncodedMessage {
  if (input === null || typeof input !== 'object') {
    throw new MQInvalidArgumentError('input', 'must be an object with a body');
  }
  const body = bodyBytes(input.body);
  if (body.length === 0) {
    throw new MQInvalidArgumentError('body', 'must not be empty (RocketMQ 5 refuses empty bodies)');
  }
  if (body.length > maxBodyBytes) {
    throw new MQInvalidArgumentError(
      'body',
      `is ${body.length} bytes; the server accepts at most ${maxBodyBytes}`,
    );
  }
  const messageId = newMessageId(now);
  const system: SystemProperties = {
    messageId,
    keys: [],
    bodyEncoding: 'IDENTITY',
    bornTimestamp: msToTimestamp(now),
    bornHost: BORN_HOST,
    queueId: 0,
  };
  if (input.tag !== undefined) {
    const tag = checkText(input.tag, 'tag', 'a tag');
    if (tag.includes('|')) throw new MQInvalidArgumentError('tag', "must not contain '|'");
    system.tag = tag;
  }
  if (input.key !== undefined) system.keys = [checkText(input.key, 'key', 'a message key')];
  const at = deliveryTime(input, now);
  const group =
    input.shardingKey === undefined
      ? undefined
      : checkText(input.shardingKey, 'shardingKey', 'the message group');
  const immunity = input.transCheckImmunitySeconds;
  let type: MessageType = 'NORMAL';
  if (immunity !== undefined) {
    if (
      typeof immunity !== 'number' ||
      !Number.isInteger(immunity) ||
      immunity < 1 ||
      immunity > 3_600
    ) {
      throw new MQInvalidArgumentError(
        'transCheckImmunitySeconds',
        `must be an integer from 1 to 3600 on RocketMQ 5, got ${String(immunity)}`,
      );
    }
    if (group !== undefined || at !== undefined) {
      throw new MQInvalidArgumentError(
        'transCheckImmunitySeconds',
        'a transactional message cannot also have a shardingKey or a delivery time on RocketMQ 5',
      );
    }
    type = 'TRANSACTION';
    system.orphanedTransactionRecoveryDuration = msToDuration(immunity * 1000);
  } else if (group !== undefined) {
    if (at !== undefined) {
      throw new MQInvalidArgumentError(
        'shardingKey',
        'cannot be combined with deliverAt/delayMs on RocketMQ 5 (a message is FIFO or delayed, not both)',
      );
    }
    type = 'FIFO';
    system.messageGroup = group;
  } else if (at !== undefined) {
    type = 'DELAY';
    system.deliveryTimestamp = msToTimestamp(at);
  }
  system.messageType = type;
  const message: EncodedMessage['message'] = {
    topic: { name: topic, resourceNamespace: namespace },
    systemProperties: system,
    body,
  };
  if (input.properties !== undefined) message.userProperties = userProperties(input.properties);
  return { message, messageId, type, body };
}

function userProperties(properties: unknown): Record<string, string> {
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
    throw new MQInvalidArgumentError('properties', 'must be an object of string values');
  }
  const out: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of Object.entries(properties)) {
    checkText(key, `properties.${key}`, 'a property name');
    if (typeof value !== 'string') {
      throw new MQInvalidArgumentError(`properties.${key}`, 'must be a string');
    }
    out[key] = value;
    count++;
  }
  if (count > ROCKETMQ5_PROXY_DEFAULTS.maxUserProperties) {
    throw new MQInvalidArgumentError(
      'properties',
      `has ${count} entries; RocketMQ 5 accepts at most ${ROCKETMQ5_PROXY_DEFAULTS.maxUserProperties}`,
    );
  }
  return out;
}

/** Upper-case hex MD5 (what `bodyMd5` holds on every transport). */
export function md5Hex(body: Uint8Array): string {
  return hash('md5', body, 'hex').toUpperCase();
}

/**
 * A delivered Message as the package's message. Returns undefined when the body does not match its
 * digest (the caller hands it back for redelivery). `invisibleMs` is what the receive asked for.
 */
export function decodeMessage(
  message: Message,
  receivedAt: number,
  invisibleMs: number,
  verifyDigest: boolean,
): MQReceivedMessage | undefined {
  const system = message.systemProperties ?? {};
  const raw = message.body ?? Buffer.alloc(0);
  const body = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  const digest = system.bodyDigest;
  if (verifyDigest && digest && bodyDigestMatches(digest, body) === false) return undefined;
  const digestType = digest?.type;
  const bodyMd5 =
    (digestType === 'MD5' || digestType === 2) && digest?.checksum
      ? digest.checksum.toUpperCase()
      : md5Hex(body);
  const invisible = durationToMs(system.invisibleDuration) ?? invisibleMs;
  const publishTime =
    timestampToMs(system.storeTimestamp) ?? timestampToMs(system.bornTimestamp) ?? 0;
  const received: MQReceivedMessage = {
    messageId: system.messageId ?? '',
    receiptHandle: system.receiptHandle ?? '',
    bodyMd5,
    body: body.toString('utf8'),
    publishTime,
    // RocketMQ 5 does not report the first delivery's time: this delivery's arrival stands in.
    firstConsumeTime: receivedAt,
    nextConsumeTime: receivedAt + invisible,
    consumedTimes:
      system.deliveryAttempt !== undefined && system.deliveryAttempt > 0
        ? system.deliveryAttempt
        : 1,
    properties: message.userProperties ?? {},
  };
  if (system.tag) received.tag = system.tag;
  if (system.keys !== undefined && system.keys.length > 0) received.key = system.keys.join(' ');
  if (system.messageGroup) received.shardingKey = system.messageGroup;
  const deliverAt = timestampToMs(system.deliveryTimestamp);
  if (deliverAt !== undefined && (system.messageType === 'DELAY' || system.messageType === 3)) {
    received.startDeliverTime = deliverAt;
  }
  const recovery = durationToMs(system.orphanedTransactionRecoveryDuration);
  if (recovery !== undefined && recovery > 0)
    received.transCheckImmunitySeconds = Math.round(recovery / 1000);
  return received;
}
