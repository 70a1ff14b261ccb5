/** Publish validation: limits, reserved properties and topic-type rules (PROTOCOL.md §5, §7.11). */
import { MQ_LIMITS, RESERVED_PROPERTY } from '../../protocol/index.js';
import { BrokerError } from './broker.errors.js';

export interface PublishInput {
  body: string;
  tag?: string;
  properties: ReadonlyMap<string, string>;
  /**
   * An id chosen by the producer (RocketMQ 5 clients generate their own); a new one is made when
   * absent. Letters, digits and `_` only: receipt handles are `<id>-<token>`.
   */
  messageId?: string;
}

const MESSAGE_ID = /^[0-9A-Za-z_]{1,128}$/;

/** A producer-chosen message id must be 1-128 letters, digits or `_`. */
export function checkMessageId(id: string): void {
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) {
    throw new BrokerError(
      'InvalidArgument',
      'A message id must be 1 to 128 letters, digits or underscores.',
    );
  }
}

export interface CheckedPublish {
  tag: string | undefined;
  props: string | undefined;
  /** Timer messages: absolute delivery time. */
  deliverAt: number | undefined;
  /** Transactional messages: immunity in ms. */
  immunityMs: number | undefined;
  shard: string | undefined;
}

const INTEGER = /^-?\d{1,16}$/;

export function checkPublish(
  topicName: string,
  topicType: string | undefined,
  msg: PublishInput,
  now: number,
): CheckedPublish {
  const { body, properties } = msg;
  if (typeof body !== 'string' || body.length === 0) {
    throw new BrokerError('InvalidArgument', 'MessageBody must not be empty.');
  }
  const tag = msg.tag === undefined || msg.tag === '' ? undefined : msg.tag;
  if (tag !== undefined && tag.length > MQ_LIMITS.maxTagLength) {
    throw new BrokerError(
      'InvalidArgument',
      `The length of MessageTag should be at most ${MQ_LIMITS.maxTagLength} characters.`,
    );
  }

  let props: string | undefined;
  let deliverAt: number | undefined;
  let immunityMs: number | undefined;
  let shard: string | undefined;
  if (properties.size > 0) {
    props = '';
    for (const [k, v] of properties) props += k + ':' + v + '|';
    // Each UTF-16 unit is at most 3 UTF-8 bytes: only measure exactly when it could matter.
    if (
      props.length * 3 > MQ_LIMITS.maxPropertiesBytes &&
      Buffer.byteLength(props, 'utf8') > MQ_LIMITS.maxPropertiesBytes
    ) {
      throw new BrokerError(
        'InvalidArgument',
        `The size of Properties should be at most ${MQ_LIMITS.maxPropertiesBytes} bytes.`,
      );
    }
    const start = properties.get(RESERVED_PROPERTY.START_DELIVER_TIME);
    if (start !== undefined) {
      if (!INTEGER.test(start)) {
        throw new BrokerError(
          'InvalidArgument',
          `Property ${RESERVED_PROPERTY.START_DELIVER_TIME} must be an integer epoch time in ms, got "${start}".`,
        );
      }
      const at = Number(start);
      if (at - now > MQ_LIMITS.maxTimerHorizonMs) {
        throw new BrokerError(
          'InvalidArgument',
          `Property ${RESERVED_PROPERTY.START_DELIVER_TIME} is more than 40 days ahead.`,
        );
      }
      deliverAt = Math.max(at, now);
    }
    const check = properties.get(RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY);
    if (check !== undefined) {
      const seconds = INTEGER.test(check) ? Number(check) : NaN;
      if (
        !(seconds >= MQ_LIMITS.minTransCheckImmunitySeconds) ||
        !(seconds <= MQ_LIMITS.maxTransCheckImmunitySeconds)
      ) {
        throw new BrokerError(
          'InvalidArgument',
          `Property ${RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY} must be an integer between ${MQ_LIMITS.minTransCheckImmunitySeconds} and ${MQ_LIMITS.maxTransCheckImmunitySeconds} seconds, got "${check}".`,
        );
      }
      immunityMs = seconds * 1000;
    }
    shard = properties.get(RESERVED_PROPERTY.SHARDING_KEY);
  }

  const timer = properties.has(RESERVED_PROPERTY.START_DELIVER_TIME);
  const transactional = immunityMs !== undefined;
  if (timer && transactional) {
    throw new BrokerError(
      'InvalidArgument',
      `A message cannot be both a timer message (${RESERVED_PROPERTY.START_DELIVER_TIME}) and transactional (${RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY}).`,
    );
  }
  checkTopicType(topicName, topicType, timer, transactional);

  const maxBody =
    timer || transactional ? MQ_LIMITS.maxTimerOrTransactionBodyBytes : MQ_LIMITS.maxBodyBytes;
  if (body.length * 3 > maxBody && Buffer.byteLength(body, 'utf8') > maxBody) {
    throw new BrokerError(
      'InvalidArgument',
      `The size of MessageBody should be at most ${maxBody} bytes${timer || transactional ? ' for timer and transactional messages' : ''}.`,
    );
  }
  return { tag, props, deliverAt, immunityMs, shard };
}

function checkTopicType(
  topic: string,
  type: string | undefined,
  timer: boolean,
  transactional: boolean,
): void {
  if (type === undefined) return;
  if (transactional && type !== 'transactional') {
    throw new BrokerError(
      'InvalidArgument',
      `Topic ${topic} is a ${type} topic: transactional messages (${RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY}) need a transactional topic.`,
    );
  }
  if (type === 'transactional' && !transactional) {
    throw new BrokerError(
      'InvalidArgument',
      `Topic ${topic} is transactional: messages must carry ${RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY}${timer ? ' and cannot be timer messages' : ''}.`,
    );
  }
  if (timer && type !== 'delay') {
    throw new BrokerError(
      'InvalidArgument',
      `Topic ${topic} is a ${type} topic: timer messages (${RESERVED_PROPERTY.START_DELIVER_TIME}) need a delay topic.`,
    );
  }
}
