/**
 * Every XML document of the protocol (PROTOCOL.md §4), both directions.
 *
 * Building: plain string concatenation, entity escaping (never CDATA, comments or PIs — PHP reads
 * only TEXT nodes and the C++ child loop spins on anything else), the UTF-8 declaration and the
 * namespace without trailing slash on the root. Callers must keep XML-illegal characters out of
 * values (see `findIllegalXmlChar`); the builders do not scan multi-megabyte bodies twice.
 *
 * Parsing: namespace-agnostic, BOM/declaration optional, CDATA or entities, any order, whitespace
 * between elements ignored, values never trimmed. Errors are `XmlDocumentError`s.
 * Every parser first tries the strict fast scanner (xml.fast-parse.ts, ≈10× cheaper; parsing is the
 * dominant per-message CPU cost) and falls back to the general fast-xml-parser path
 * (xml.slow-parse.ts) for anything unusual; the fallback is authoritative and raises every error,
 * so results and errors are those of the slow path alone.
 */
import { MQ_XML_NAMESPACE } from './protocol.constants.js';
import type {
  AckErrorItem,
  ConsumedMessageDoc,
  ErrorDoc,
  ErrorResponseDoc,
  PublishRequestDoc,
  PublishResponseDoc,
} from './protocol.types.js';
import { escapeXmlText } from './text.js';
import {
  fastParseConsumeResponse,
  fastParseErrorResponse,
  fastParsePublishRequest,
  fastParsePublishResponse,
  fastParseReceiptHandles,
} from './xml.fast-parse.js';
import {
  parseSlowConsumeResponse,
  parseSlowErrorResponse,
  parseSlowPublishRequest,
  parseSlowPublishResponse,
  parseSlowReceiptHandles,
} from './xml.slow-parse.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

function open(root: string): string {
  return DECLARATION + '<' + root + ' xmlns="' + MQ_XML_NAMESPACE + '">';
}

function leaf(name: string, value: string): string {
  return '<' + name + '>' + escapeXmlText(value) + '</' + name + '>';
}

/** Emits the element only for a non-empty value. */
function optionalLeaf(name: string, value: string | undefined): string {
  return value === undefined || value.length === 0 ? '' : leaf(name, value);
}

function integerLeaf(name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return '<' + name + '>' + value + '</' + name + '>';
}

// ---------------------------------------------------------------- publish request <Message> (§4.2)

/** Publish request body. An empty tag or properties string is omitted. */
export function buildPublishRequest(d: PublishRequestDoc): string {
  return (
    open('Message') +
    leaf('MessageBody', d.body) +
    optionalLeaf('MessageTag', d.tag) +
    optionalLeaf('Properties', d.properties) +
    '</Message>'
  );
}

/**
 * Parses a publish request from any SDK. `MessageBody` must be present (it may be empty: the
 * emulator decides what to do with `''`); an empty `MessageTag`/`Properties` counts as absent.
 */
export function parsePublishRequest(xml: string): PublishRequestDoc {
  return fastParsePublishRequest(xml) ?? parseSlowPublishRequest(xml);
}

// --------------------------------------------------------------- publish response <Message> (§4.3)

export function buildPublishResponse(d: PublishResponseDoc): string {
  return (
    open('Message') +
    leaf('MessageId', d.messageId) +
    leaf('MessageBodyMD5', d.bodyMd5) +
    optionalLeaf('ReceiptHandle', d.receiptHandle) +
    '</Message>'
  );
}

export function parsePublishResponse(xml: string): PublishResponseDoc {
  return fastParsePublishResponse(xml) ?? parseSlowPublishResponse(xml);
}

// --------------------------------------------------------------- consume response <Messages> (§4.4)

/**
 * Consume response body. Element order: MessageId, ReceiptHandle, MessageBodyMD5, MessageBody,
 * PublishTime, FirstConsumeTime, NextConsumeTime, ConsumedTimes, MessageTag and Properties (the last
 * two only when non-empty). Never call it with an empty list: answer 404 MessageNotExist instead.
 */
export function buildConsumeResponse(msgs: ConsumedMessageDoc[]): string {
  let out = open('Messages');
  for (const m of msgs) {
    out +=
      '<Message>' +
      leaf('MessageId', m.messageId) +
      leaf('ReceiptHandle', m.receiptHandle) +
      leaf('MessageBodyMD5', m.bodyMd5) +
      leaf('MessageBody', m.body) +
      integerLeaf('PublishTime', m.publishTime) +
      integerLeaf('FirstConsumeTime', m.firstConsumeTime) +
      integerLeaf('NextConsumeTime', m.nextConsumeTime) +
      integerLeaf('ConsumedTimes', m.consumedTimes) +
      optionalLeaf('MessageTag', m.tag) +
      optionalLeaf('Properties', m.properties) +
      '</Message>';
  }
  return out + '</Messages>';
}

/**
 * Parses a consume response. Required in every `<Message>`: non-empty MessageId and ReceiptHandle,
 * MessageBody (may be empty), integer PublishTime/FirstConsumeTime/NextConsumeTime/ConsumedTimes.
 * MessageBodyMD5 missing → `''`. A `<Messages>` without any `<Message>` gives `[]`.
 */
export function parseConsumeResponse(xml: string): ConsumedMessageDoc[] {
  return fastParseConsumeResponse(xml) ?? parseSlowConsumeResponse(xml);
}

// ---------------------------------------------------------- ack request <ReceiptHandles> (§4.5)

export function buildReceiptHandles(handles: string[]): string {
  let out = open('ReceiptHandles');
  for (const h of handles) out += leaf('ReceiptHandle', h);
  return out + '</ReceiptHandles>';
}

/**
 * The handles in document order, empty ones included as `''` (the server echoes them in `<Errors>`).
 * No handle at all gives `[]`; the emulator answers MissingReceiptHandle.
 */
export function parseReceiptHandles(xml: string): string[] {
  return fastParseReceiptHandles(xml) ?? parseSlowReceiptHandles(xml);
}

// ------------------------------------------------------- ack partial failure <Errors> (§4.6)

/** Exactly the three children per item, as Python requires. */
export function buildAckErrors(items: AckErrorItem[]): string {
  let out = open('Errors');
  for (const item of items) {
    out +=
      '<Error>' +
      leaf('ErrorCode', item.code) +
      leaf('ErrorMessage', item.message) +
      leaf('ReceiptHandle', item.receiptHandle) +
      '</Error>';
  }
  return out + '</Errors>';
}

// ------------------------------------------------------------------- error <Error> (§4.7)

/** All four children, always (Python checks they exist). */
export function buildError(d: ErrorDoc): string {
  return (
    open('Error') +
    leaf('Code', d.code) +
    leaf('Message', d.message) +
    leaf('RequestId', d.requestId) +
    leaf('HostId', d.hostId) +
    '</Error>'
  );
}

/**
 * Parses a 4xx/5xx body: a single `<Error>` or an ack `<Errors>` list. `Code` (resp. `ErrorCode` and
 * `ReceiptHandle`) are required; the other children default to `''` so that a slightly different
 * server still yields a usable error. Any other root is MalformedXML.
 */
export function parseErrorResponse(xml: string): ErrorResponseDoc {
  return fastParseErrorResponse(xml) ?? parseSlowErrorResponse(xml);
}
