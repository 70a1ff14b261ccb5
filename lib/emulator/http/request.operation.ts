import { invalidArgumentRangeMessage, MQ_LIMITS } from '../../protocol/index.js';
import type { ConsumeKind } from '../broker/broker.js';
import { MQRequestError } from './http.errors.js';
import type { MessagesQuery } from './request.query.js';

const { minNumOfMessages, maxNumOfMessages } = MQ_LIMITS;

export type MessagesOperation =
  | { kind: 'publish'; ns: string; topic: string }
  | {
      kind: 'consume';
      ns: string;
      topic: string;
      group: string;
      consumeKind: ConsumeKind;
      max: number;
      /** 0 = short poll. */
      waitSeconds: number;
      /** undefined = every message (no filter, `*`, or empty). */
      tags?: string[];
    }
  | { kind: 'ack' | 'commit' | 'rollback'; ns: string; topic: string; group: string };

/**
 * Decides which operation a request on `/topics/{topic}/messages` is (PROTOCOL.md §1.2: the method
 * and `trans` select it) and validates the parameters that operation needs.
 */
export function resolveOperation(
  method: 'GET' | 'POST' | 'DELETE',
  topic: string,
  query: MessagesQuery,
  maxWaitSeconds: number,
): MessagesOperation {
  const ns = query.ns ?? '';
  if (method === 'POST') {
    if (query.trans !== undefined) throw unknownTrans(query.trans, method);
    return { kind: 'publish', ns, topic };
  }
  const group = query.consumer;
  if (group === undefined || group === '') {
    throw new MQRequestError('InvalidArgument', 'The consumer parameter is required.');
  }
  if (method === 'DELETE') {
    const trans = query.trans;
    if (trans === undefined) return { kind: 'ack', ns, topic, group };
    if (trans === 'commit' || trans === 'rollback') return { kind: trans, ns, topic, group };
    throw unknownTrans(trans, method);
  }
  let consumeKind: ConsumeKind;
  if (query.trans === undefined) consumeKind = 'normal';
  else if (query.trans === 'order') consumeKind = 'orderly';
  else if (query.trans === 'pop') consumeKind = 'half';
  else throw unknownTrans(query.trans, method);

  if (query.numOfMessages === undefined) {
    throw new MQRequestError('InvalidArgument', 'The numOfMessages parameter is required.');
  }
  const max = parseInteger(query.numOfMessages);
  if (max === undefined || max < minNumOfMessages || max > maxNumOfMessages) {
    throw new MQRequestError(
      'InvalidArgument',
      invalidArgumentRangeMessage('numOfMessages', minNumOfMessages, maxNumOfMessages),
    );
  }
  let waitSeconds = 0;
  if (query.waitseconds !== undefined && query.waitseconds !== '') {
    const parsed = parseInteger(query.waitseconds);
    if (parsed === undefined || parsed > maxWaitSeconds) {
      throw new MQRequestError(
        'InvalidArgument',
        invalidArgumentRangeMessage('waitseconds', 0, maxWaitSeconds, 'seconds'),
      );
    }
    // PHP sends waitseconds=-1 by default: any value <= 0 is a short poll (PROTOCOL.md §9.3).
    waitSeconds = parsed > 0 ? parsed : 0;
  }
  // Half-message checks are not filtered by tag (the SDKs never send one with trans=pop).
  const tags = consumeKind === 'half' ? undefined : parseTagFilter(query.tag);
  return {
    kind: 'consume',
    ns,
    topic,
    group,
    consumeKind,
    max,
    waitSeconds,
    ...(tags !== undefined ? { tags } : {}),
  };
}

/**
 * `TagA||TagB` → ['TagA', 'TagB'] (trimmed, as RocketMQ does with subscription expressions);
 * absent, empty or containing `*` → undefined (all messages).
 */
export function parseTagFilter(tag: string | undefined): string[] | undefined {
  if (tag === undefined || tag === '' || tag === '*') return undefined;
  const tags: string[] = [];
  for (const part of tag.split('||')) {
    const trimmed = part.trim();
    if (trimmed === '*') return undefined;
    if (trimmed !== '' && !tags.includes(trimmed)) tags.push(trimmed);
  }
  return tags.length > 0 ? tags : undefined;
}

/** Decimal integer with an optional sign; anything else (spaces, `1e3`, `0x10`, overflow) fails. */
function parseInteger(text: string): number | undefined {
  const start = text.charCodeAt(0) === 45 /* - */ || text.charCodeAt(0) === 43 /* + */ ? 1 : 0;
  if (text.length === start || text.length - start > 9) return undefined;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return start === 1 && text.charCodeAt(0) === 45 ? -value : value;
}

function unknownTrans(value: string, method: string): MQRequestError {
  const shown = value.length > 32 ? `${value.slice(0, 32)}...` : value;
  return new MQRequestError(
    'InvalidArgument',
    `The value of trans "${shown}" is not valid for ${method}.`,
  );
}
