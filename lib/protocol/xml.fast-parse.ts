/**
 * Fast path of every document parser: the same results as xml.slow-parse.ts for the common,
 * well-formed documents, read with {@link FlatXmlScanner} (no generic tree, no validator pass).
 * Each function answers `undefined` ("not handled") for anything else, including every document
 * the slow path rejects, so the caller falls back to the slow path and its exact errors.
 * Internal: not re-exported from index.ts.
 */
import type {
  AckErrorItem,
  ConsumedMessageDoc,
  ErrorResponseDoc,
  PublishRequestDoc,
  PublishResponseDoc,
} from './protocol.types.js';
import { END_OF_PARENT, FlatXmlScanner, NOT_HANDLED, UNKNOWN_CHILD } from './xml.fast-scan.js';
import {
  ACK_ERROR_LEAVES,
  CONSUMED_MESSAGE_LEAVES,
  ERROR_LEAVES,
  PUBLISH_REQUEST_LEAVES,
  PUBLISH_RESPONSE_LEAVES,
} from './xml.elements.js';
import { plainParseConsumeResponse } from './xml.plain-consume.js';

const MESSAGE_ROOT = ['Message'];
const MESSAGES_ROOT = ['Messages'];
const HANDLES_ROOT = ['ReceiptHandles'];
const ERROR_ROOTS = ['Error', 'Errors'];
const HANDLE = ['ReceiptHandle'];

// Same tolerance as the slow path's `requiredInteger`; used only when the digits-only loop can't say.
const INTEGER = /^[ \t\n]*(\d{1,16})[ \t\n]*$/;

/** A non-negative integer exactly as the slow path reads it, else undefined. */
function integer(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = text.length;
  // Up to 15 digits the arithmetic is exact (< 2^53); longer or padded values take the regex.
  if (n > 0 && n <= 15) {
    let value = 0;
    let i = 0;
    for (; i < n; i++) {
      const d = text.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
    }
    if (i === n) return value;
  }
  const match = INTEGER.exec(text);
  const value = match === null ? Number.NaN : Number(match[1]);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Non-empty leaf values count; empty ones are absent, as in the slow path's `optional`. */
function present(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}

type Slots = Array<string | undefined>;

/**
 * Reads the leaf children of the element written `parentRaw` (its start tag already read) up to
 * and including its end tag: `slots[i]` gets the text of `known[i]`; plain unknown elements are
 * skipped. False for anything else, a known leaf given twice included (the slow path's error).
 */
function readLeaves(
  s: FlatXmlScanner,
  parentRaw: string,
  known: readonly string[],
  slots: Slots,
): boolean {
  for (let hint = 0; ;) {
    const slot = s.nextChild(parentRaw, known, hint);
    if (slot === END_OF_PARENT) return true;
    if (slot === NOT_HANDLED) return false;
    if (slot === UNKNOWN_CHILD) {
      if (!s.skipUnknown()) return false;
      continue;
    }
    if (slots[slot] !== undefined) return false;
    const text = s.leafText();
    if (text === undefined) return false;
    slots[slot] = text;
    hint = slot + 1;
  }
}

/** Opens the document and reads the root's leaves; undefined when not handled. */
function readRootLeaves(
  xml: string,
  root: readonly string[],
  known: readonly string[],
): Slots | undefined {
  const s = FlatXmlScanner.open(xml, root);
  if (s === undefined) return undefined;
  const slots: Slots = new Array<string | undefined>(known.length);
  if (!s.rootEmpty && !readLeaves(s, s.rootRaw, known, slots)) return undefined;
  return s.finish() ? slots : undefined;
}

export function fastParsePublishRequest(xml: string): PublishRequestDoc | undefined {
  const v = readRootLeaves(xml, MESSAGE_ROOT, PUBLISH_REQUEST_LEAVES);
  const body = v?.[0];
  if (v === undefined || body === undefined) return undefined;
  const doc: PublishRequestDoc = { body };
  if (present(v[1])) doc.tag = v[1];
  if (present(v[2])) doc.properties = v[2];
  return doc;
}

/**
 * The answer to a plain publish exactly as the service and the emulator write it: optional
 * declaration, the root with the MQ namespace (with or without its slash), `MessageId` and
 * `MessageBodyMD5` in hex, whitespace only between elements. Every publish reads one, so it gets a
 * single native match (≈0.1 µs) instead of the scanner's walk (≈1 µs). Hex values hold nothing
 * to decode or reject, so the captures are the values; any other shape (a `ReceiptHandle`, another
 * order, attributes, entities) goes on to the scanner. Differential tests: xml.fast-path.spec.ts.
 */
const PLAIN_PUBLISH_RESPONSE = new RegExp(
  '^(?:<\\?xml version="1\\.0" encoding="UTF-8"\\?>)?[ \\t\\r\\n]*' +
    '<Message xmlns="http://mq\\.aliyuncs\\.com/doc/v1/?">[ \\t\\r\\n]*' +
    '<MessageId>([0-9A-Fa-f]+)</MessageId>[ \\t\\r\\n]*' +
    '<MessageBodyMD5>([0-9A-Fa-f]*)</MessageBodyMD5>[ \\t\\r\\n]*' +
    '</Message>[ \\t\\r\\n]*$',
);

export function fastParsePublishResponse(xml: string): PublishResponseDoc | undefined {
  const plain = typeof xml === 'string' ? PLAIN_PUBLISH_RESPONSE.exec(xml) : null;
  if (plain !== null) return { messageId: plain[1] as string, bodyMd5: plain[2] as string };
  const v = readRootLeaves(xml, MESSAGE_ROOT, PUBLISH_RESPONSE_LEAVES);
  const messageId = v?.[0];
  const bodyMd5 = v?.[1];
  if (v === undefined || !present(messageId) || bodyMd5 === undefined) return undefined;
  const doc: PublishResponseDoc = { messageId, bodyMd5 };
  if (present(v[2])) doc.receiptHandle = v[2];
  return doc;
}

/**
 * Reads the children of a root that lists containers named `item` (`<Message>`, `<Error>`):
 * `onItem(slots)` per container, in order; plain unknown elements skipped. False when not handled.
 */
function readItems(
  s: FlatXmlScanner,
  item: string,
  known: readonly string[],
  onItem: (slots: Slots) => boolean,
): boolean {
  if (s.rootEmpty) return s.finish();
  const items = [item];
  for (;;) {
    const slot = s.nextChild(s.rootRaw, items, 0);
    if (slot === END_OF_PARENT) return s.finish();
    if (slot === NOT_HANDLED) return false;
    if (slot === UNKNOWN_CHILD) {
      if (!s.skipUnknown()) return false;
      continue;
    }
    if (s.childEmpty) return false;
    const slots: Slots = new Array<string | undefined>(known.length);
    if (!readLeaves(s, s.childRaw, known, slots) || !onItem(slots)) return false;
  }
}

export function fastParseConsumeResponse(xml: string): ConsumedMessageDoc[] | undefined {
  // The service's own shape first: native matches instead of the scanner's walk.
  const plain = typeof xml === 'string' ? plainParseConsumeResponse(xml) : undefined;
  if (plain !== undefined) return plain;
  const s = FlatXmlScanner.open(xml, MESSAGES_ROOT);
  if (s === undefined) return undefined;
  const out: ConsumedMessageDoc[] = [];
  const handled = readItems(s, 'Message', CONSUMED_MESSAGE_LEAVES, (v) => {
    const [messageId, receiptHandle, bodyMd5, body] = v;
    const publishTime = integer(v[4]);
    const firstConsumeTime = integer(v[5]);
    const nextConsumeTime = integer(v[6]);
    const consumedTimes = integer(v[7]);
    if (
      !present(messageId) ||
      !present(receiptHandle) ||
      body === undefined ||
      publishTime === undefined ||
      firstConsumeTime === undefined ||
      nextConsumeTime === undefined ||
      consumedTimes === undefined
    ) {
      return false;
    }
    const doc: ConsumedMessageDoc = {
      messageId,
      receiptHandle,
      bodyMd5: bodyMd5 ?? '',
      body,
      publishTime,
      firstConsumeTime,
      nextConsumeTime,
      consumedTimes,
    };
    if (present(v[8])) doc.tag = v[8];
    if (present(v[9])) doc.properties = v[9];
    out.push(doc);
    return true;
  });
  return handled ? out : undefined;
}

export function fastParseReceiptHandles(xml: string): string[] | undefined {
  const s = FlatXmlScanner.open(xml, HANDLES_ROOT);
  if (s === undefined) return undefined;
  const handles: string[] = [];
  if (s.rootEmpty) return s.finish() ? handles : undefined;
  for (;;) {
    const slot = s.nextChild(s.rootRaw, HANDLE, 0);
    if (slot === END_OF_PARENT) return s.finish() ? handles : undefined;
    if (slot === NOT_HANDLED) return undefined;
    if (slot === UNKNOWN_CHILD) {
      if (!s.skipUnknown()) return undefined;
      continue;
    }
    const handle = s.leafText();
    if (handle === undefined) return undefined;
    handles.push(handle);
  }
}

export function fastParseErrorResponse(xml: string): ErrorResponseDoc | undefined {
  const s = FlatXmlScanner.open(xml, ERROR_ROOTS);
  if (s === undefined) return undefined;
  if (s.rootName === 'Error') {
    const v: Slots = new Array<string | undefined>(ERROR_LEAVES.length);
    if (!s.rootEmpty && !readLeaves(s, s.rootRaw, ERROR_LEAVES, v)) return undefined;
    const code = v[0];
    if (!s.finish() || !present(code)) return undefined;
    return {
      kind: 'error',
      error: { code, message: v[1] ?? '', requestId: v[2] ?? '', hostId: v[3] ?? '' },
    };
  }
  const items: AckErrorItem[] = [];
  const handled = readItems(s, 'Error', ACK_ERROR_LEAVES, (v) => {
    const [code, message, receiptHandle] = v;
    if (!present(code) || receiptHandle === undefined) return false;
    items.push({ code, message: message ?? '', receiptHandle });
    return true;
  });
  return handled ? { kind: 'errors', items } : undefined;
}
