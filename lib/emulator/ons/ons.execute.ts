/**
 * The three operations of the old API on the shared broker. ProducerID and ConsumerID are broker
 * groups, so a message published here is consumable through the MQ HTTP protocol and the reverse.
 */
import {
  findIllegalXmlChar,
  MQ_LIMITS,
  parsePropertyPairs,
  RESERVED_PROPERTY,
} from '../../protocol/index.js';
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import {
  buildOnsPublishResponse,
  ONS_HEADERS,
  ONS_LIMITS,
  ONS_SEND_OK,
  onsMissingParameterInfo,
} from '../../protocol/ons/index.js';
import type { OnsMessageJson } from '../../protocol/ons/index.js';
import type { Broker } from '../broker/broker.js';
import { OnsRequestError } from './ons.errors.js';
import type { OnsQuery } from './ons.query.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const DIGITS = /^\d{1,16}$/;

export interface OnsPublishRequest {
  ns: string;
  topic: string;
  producerId: string;
  body: Buffer;
  query: OnsQuery;
  /** `shardingKey` and `isOrder` headers ('' when absent). */
  shardingKey: string;
  isOrder: string;
}

/** Publishes; returns the 201 JSON and the stored message's id. */
export function onsPublish(
  broker: Broker,
  req: OnsPublishRequest,
): { json: string; messageId: string } {
  const { ns, topic, query } = req;
  if (req.body.length === 0) {
    throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo('body'));
  }
  const body = bodyText(req.body);
  const properties = new Map<string, string>();
  const key = query.key ?? '';
  if (key !== '') {
    checkText(key, 'key', ONS_LIMITS.maxKeyLength);
    properties.set(RESERVED_PROPERTY.KEYS, key);
  }
  const tag = query.tag ?? '';
  if (tag !== '') checkText(tag, 'tag', ONS_LIMITS.maxTagLength);
  if (query.timeout !== undefined && query.timeout !== '') {
    // Accepted and checked, then unused: the emulator stores a message before it answers.
    const ms = DIGITS.test(query.timeout) ? Number(query.timeout) : NaN;
    if (!(ms >= ONS_LIMITS.minPublishTimeoutMs && ms <= ONS_LIMITS.maxPublishTimeoutMs)) {
      throw new OnsRequestError(
        'SC_BAD_REQUEST',
        `parameter:timeout is invalid,it must be ${ONS_LIMITS.minPublishTimeoutMs}-${ONS_LIMITS.maxPublishTimeoutMs} ms`,
      );
    }
  }
  const start = query.startdelivertime ?? '';
  if (start !== '') {
    if (!DIGITS.test(start)) {
      throw new OnsRequestError(
        'SC_BAD_REQUEST',
        'parameter:startdelivertime is invalid,it must be epoch milliseconds',
      );
    }
    properties.set(RESERVED_PROPERTY.START_DELIVER_TIME, start);
  }
  const isOrder = req.isOrder.toLowerCase();
  if (isOrder !== '' && isOrder !== 'true' && isOrder !== 'false') {
    throw new OnsRequestError(
      'SC_BAD_REQUEST',
      'header:isOrder is invalid,it must be true or false',
    );
  }
  if (req.shardingKey !== '') {
    checkText(req.shardingKey, ONS_HEADERS.shardingKey, ONS_LIMITS.maxKeyLength);
    properties.set(RESERVED_PROPERTY.SHARDING_KEY, req.shardingKey);
  } else if (isOrder === 'true') {
    throw new OnsRequestError('SC_BAD_REQUEST', onsMissingParameterInfo(ONS_HEADERS.shardingKey));
  }
  // Read-only lookups: in strict mode (autoCreate false) an undeclared topic or ProducerID is
  // refused, topic first; otherwise nothing is created here (publish creates the topic).
  broker.topic(ns, topic, false);
  broker.group(ns, req.producerId, false);
  const message = { body, properties, ...(tag !== '' ? { tag } : {}) };
  const result = broker.publish(ns, topic, message);
  return {
    json: buildOnsPublishResponse(result.messageId, ONS_SEND_OK),
    messageId: result.messageId,
  };
}

/** Parses `num` (absent or empty: the largest). */
export function parseNum(num: string | undefined): number {
  if (num === undefined || num === '') return ONS_LIMITS.maxNum;
  const n = DIGITS.test(num) ? Number(num) : NaN;
  if (!(n >= ONS_LIMITS.minNum && n <= ONS_LIMITS.maxNum)) {
    throw new OnsRequestError(
      'SC_BAD_REQUEST',
      `parameter:num is invalid,it must be ${ONS_LIMITS.minNum}-${ONS_LIMITS.maxNum}`,
    );
  }
  return n;
}

/**
 * Takes up to `num` messages at once (no long poll: the samples sleep and ask again). The broker
 * hands out at most 16 per call, so 17-32 take a second call. The answer's JSON is
 * `buildOnsMessages` of what it returns.
 */
export async function onsConsume(
  broker: Broker,
  ns: string,
  topic: string,
  consumerId: string,
  num: number,
): Promise<OnsMessageJson[]> {
  const out: OnsMessageJson[] = [];
  while (out.length < num) {
    const max = Math.min(MQ_LIMITS.maxNumOfMessages, num - out.length);
    const batch = await broker.consume({ ns, topic, group: consumerId, kind: 'normal', max }, 0);
    for (const m of batch) out.push(toJson(m));
    if (batch.length < max) break;
  }
  return out;
}

/** Deletes (acks) one delivery; a stale or foreign handle is a 400. */
export function onsDelete(
  broker: Broker,
  ns: string,
  topic: string,
  consumerId: string,
  msgHandle: string,
): void {
  const failed = broker.ack(ns, topic, consumerId, [msgHandle]);
  if (failed.length === 0) return;
  throw new OnsRequestError(
    failed[0]!.code === 'MessageNotExist' ? 'MSG_HANDLE_EXPIRED' : 'MSG_HANDLE_INVALID',
  );
}

function toJson(m: ConsumedMessageDoc): OnsMessageJson {
  const key =
    m.properties === undefined
      ? ''
      : (parsePropertyPairs(m.properties).get(RESERVED_PROPERTY.KEYS) ?? '');
  return {
    body: m.body,
    bornTime: String(m.publishTime),
    key,
    msgHandle: m.receiptHandle,
    msgId: m.messageId,
    // RocketMQ's reconsumeTimes: 0 on the first delivery, +1 per redelivery.
    reconsumeTimes: m.consumedTimes - 1,
    tag: m.tag ?? '',
  };
}

/**
 * The broker stores text that the MQ HTTP protocol must be able to carry in XML, so a body is UTF-8
 * text without characters XML cannot carry (a control character, for instance).
 */
function bodyText(bytes: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new OnsRequestError('SC_BAD_REQUEST', 'The message body is not UTF-8 text');
  }
  const bad = findIllegalXmlChar(text);
  if (bad !== -1) {
    throw new OnsRequestError(
      'SC_BAD_REQUEST',
      `The message body contains a character the service cannot store at index ${bad}`,
    );
  }
  return text;
}

/** Tag, key and sharding key: at most `max` characters, no `|` (it separates stored properties). */
function checkText(value: string, name: string, max: number): void {
  if (value.length > max) {
    throw new OnsRequestError(
      'SC_BAD_REQUEST',
      `parameter:${name} is invalid,it is longer than ${max} characters`,
    );
  }
  if (value.indexOf('|') !== -1 || findIllegalXmlChar(value) !== -1) {
    throw new OnsRequestError(
      'SC_BAD_REQUEST',
      `parameter:${name} is invalid,it contains "|" or a control character`,
    );
  }
}
