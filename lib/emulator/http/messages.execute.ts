import {
  buildAckErrors,
  buildConsumeResponse,
  buildPublishResponse,
  findIllegalXmlChar,
  invalidArgumentRangeMessage,
  MQ_LIMITS,
  parsePropertyPairs,
  parsePublishRequest,
  parseReceiptHandles,
} from '../../protocol/index.js';
import type { AckErrorItem, ConsumedMessageDoc } from '../../protocol/index.js';
import type { Broker } from '../broker/broker.js';
import type { AnswerChannel } from './answer.channel.js';
import { MQRequestError } from './http.errors.js';
import type { MessagesOperation } from './request.operation.js';
import { checkRequestShape, handlesShape, PUBLISH_SHAPE } from './request.xml-shape.js';

const MAX_HANDLES_PER_ACK = MQ_LIMITS.maxHandlesPerAck;
const HANDLES_SHAPE = handlesShape(() => tooManyHandles());
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Most messages carry no properties: one shared empty map, not a new one per publish. */
const NO_PROPERTIES: ReadonlyMap<string, string> = new Map();

/** What the front sends back for a successful (or partially failed) operation. */
export type OperationOutcome =
  /** A publish carries the stored message's id (for the console's fault trail). */
  | { status: 201; xml: string; messageId: string }
  /** An empty consume, or a settle with failed handles (named: the console's fault trail). */
  | { status: 404; xml: string; failed?: readonly AckErrorItem[] }
  /** Messages delivered: their handles go back to the broker if the reply cannot be written. */
  | { status: 200; xml: string; handles: string[] }
  | { status: 204 }
  /** The client left during a long poll: nothing to send. */
  | { status: 0 };

/** Long polls currently parked in the broker (shown by the admin health endpoint). */
export interface LongPollGauge {
  parked: number;
}

/**
 * Runs one decoded operation against the broker and builds its response document. Only a consume
 * may wait; the other operations answer synchronously (no promise and microtask of their own).
 */
export function executeOperation(
  broker: Broker,
  op: MessagesOperation,
  body: Buffer,
  channel: AnswerChannel,
  gauge: LongPollGauge,
): OperationOutcome | Promise<OperationOutcome> {
  switch (op.kind) {
    case 'publish':
      return publish(broker, op.ns, op.topic, body);
    case 'consume':
      return consume(broker, op, channel, gauge);
    default:
      return settle(broker, op, body);
  }
}

function publish(broker: Broker, ns: string, topic: string, body: Buffer): OperationOutcome {
  const xml = decodeXml(body);
  checkRequestShape(xml, PUBLISH_SHAPE);
  const doc = parsePublishRequest(xml);
  if (doc.body === '') {
    throw new MQRequestError('InvalidArgument', 'The value of MessageBody should not be empty.');
  }
  if (doc.properties !== undefined) checkPropertySyntax(doc.properties);
  const properties =
    doc.properties === undefined ? NO_PROPERTIES : parsePropertyPairs(doc.properties);
  const message: { body: string; tag?: string; properties: ReadonlyMap<string, string> } = {
    body: doc.body,
    properties,
  };
  // PHP sends <MessageTag/> for an empty tag: that means "no tag".
  if (doc.tag !== undefined && doc.tag !== '') message.tag = doc.tag;
  const stored = broker.publish(ns, topic, message);
  return { status: 201, xml: buildPublishResponse(stored), messageId: stored.messageId };
}

async function consume(
  broker: Broker,
  op: Extract<MessagesOperation, { kind: 'consume' }>,
  channel: AnswerChannel,
  gauge: LongPollGauge,
): Promise<OperationOutcome> {
  const request = {
    ns: op.ns,
    topic: op.topic,
    group: op.group,
    kind: op.consumeKind,
    max: op.max,
    ...(op.tags !== undefined ? { tags: op.tags } : {}),
  };
  // A client already gone takes nothing (its 'close' may have fired before we could listen).
  if (channel.gone()) return { status: 0 };
  if (op.waitSeconds === 0) return delivered(await broker.consume(request, 0));
  // A parked long poll ends early when its client disconnects, so it never holds broker state.
  const controller = new AbortController();
  const unwatch = channel.watchGone(() => controller.abort());
  gauge.parked++;
  try {
    const messages = await broker.consume(request, op.waitSeconds * 1000, controller.signal);
    if (messages.length > 0 && !controller.signal.aborted) {
      // Served by another request's event (a publish, an ack...): this poll's client may have left
      // just before, its FIN or reset not read yet. Look again once the event loop has polled for
      // I/O (an immediate set from the check phase runs after the next poll phase).
      await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    }
    if (controller.signal.aborted || channel.gone()) {
      // Messages handed to this poll just before its client left: nobody will see them, so they
      // are ready again at once (no attempt counted) instead of waiting out the invisibility time.
      if (messages.length > 0) broker.release(messages.map((m) => m.receiptHandle));
      return { status: 0 };
    }
    return delivered(messages);
  } finally {
    gauge.parked--;
    unwatch();
  }
}

function delivered(messages: ConsumedMessageDoc[]): OperationOutcome {
  // Never a 200 with zero messages: Java and Node crash on it (PROTOCOL.md §4.4).
  if (messages.length === 0) notExist();
  return {
    status: 200,
    xml: buildConsumeResponse(messages),
    handles: messages.map((m) => m.receiptHandle),
  };
}

function settle(
  broker: Broker,
  op: Extract<MessagesOperation, { kind: 'ack' | 'commit' | 'rollback' }>,
  body: Buffer,
): OperationOutcome {
  if (body.length === 0) throw new MQRequestError('MissingReceiptHandle');
  const xml = decodeXml(body);
  checkRequestShape(xml, HANDLES_SHAPE);
  const handles = parseReceiptHandles(xml);
  if (handles.length === 0) throw new MQRequestError('MissingReceiptHandle');
  let failed: AckErrorItem[];
  if (op.kind === 'ack') {
    if (handles.length > MAX_HANDLES_PER_ACK) throw tooManyHandles();
    failed = broker.ack(op.ns, op.topic, op.group, handles);
  } else {
    if (handles.length !== 1) {
      throw new MQRequestError(
        'InvalidArgument',
        `The count of ReceiptHandle for ${op.kind} should be 1.`,
      );
    }
    failed =
      op.kind === 'commit'
        ? broker.commit(op.ns, op.topic, op.group, handles[0]!)
        : broker.rollback(op.ns, op.topic, op.group, handles[0]!);
  }
  return failed.length === 0
    ? { status: 204 }
    : { status: 404, xml: buildAckErrors(failed), failed };
}

/** The receipt handles an ack, commit or rollback body names; [] when it cannot be read. */
export function receiptHandlesOf(body: Buffer): string[] {
  try {
    const xml = decodeXml(body);
    checkRequestShape(xml, HANDLES_SHAPE);
    return parseReceiptHandles(xml).slice(0, MAX_HANDLES_PER_ACK);
  } catch {
    return [];
  }
}

function tooManyHandles(): MQRequestError {
  return new MQRequestError(
    'InvalidArgument',
    invalidArgumentRangeMessage('ReceiptHandle count', 1, MAX_HANDLES_PER_ACK),
  );
}

/**
 * UTF-8 (an optional BOM is dropped); bytes that are not UTF-8 make the document malformed.
 * Raw characters XML cannot carry are refused here; references to them (`&#1;`) are refused by the
 * protocol's leaf decoder, so parsed values are always safe to echo back in XML.
 */
function decodeXml(body: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new MQRequestError('MalformedXML', 'The XML you provided is invalid: it is not UTF-8.');
  }
  rejectIllegalText(text);
  return text;
}

/** Characters XML 1.0 cannot carry: the cloud refuses them as InvalidContent (PROTOCOL.md §4.1). */
function rejectIllegalText(text: string): void {
  if (findIllegalXmlChar(text) !== -1) throw new MQRequestError('InvalidContent');
}

/**
 * Every non-empty `|` segment must be `key:value` with both parts non-empty. The protocol parser
 * would silently drop such segments (as consumers do), hiding a producer bug; the SDKs that
 * validate refuse them too. A `:` inside the value is accepted (C++ reads up to the first `:`).
 */
function checkPropertySyntax(raw: string): void {
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf('|', start);
    if (end === -1) end = raw.length;
    if (end > start) {
      const colon = raw.indexOf(':', start);
      if (colon <= start || colon >= end - 1) {
        const segment = raw.slice(start, Math.min(end, start + 64));
        throw new MQRequestError(
          'InvalidArgument',
          `The Properties you provided are invalid: "${segment}" is not a non-empty key:value pair.`,
        );
      }
    }
    start = end + 1;
  }
}

/** Idle consumers hit this on every empty poll: one shared error, no stack capture per poll. */
const MESSAGE_NOT_EXIST = new MQRequestError('MessageNotExist');

function notExist(): never {
  throw MESSAGE_NOT_EXIST;
}
