/**
 * The consume answer exactly as the service and the emulator write it, read by native matches:
 * every drained message goes through one, and a 16-message document walked by the scanner
 * (xml.fast-scan.ts) costs ≈2 µs per message against ≈0.6 µs here. Only the plainest shape is
 * taken: optional declaration, `<Messages>` with the MQ namespace (with or without its slash), each
 * `<Message>` with its leaves in the service's order, values of plain text (no entity, CDATA, CR or
 * character XML cannot carry), times of up to 15 digits (exact), whitespace only between elements.
 * Anything else answers undefined and goes on to the scanner, then the slow path, exactly as before.
 * Internal (xml.fast-parse.ts); differential tests: xml.fast-path.spec.ts.
 */
import type { ConsumedMessageDoc } from './protocol.types.js';

/**
 * A value as the scanner reads plain text (it is its own value): no markup, no entity, no CR, none
 * of the characters XML 1.0 forbids in the BMP (lone surrogates: the document's `isWellFormed`).
 * `]]>` is refused for the whole document before matching. Built from strings so the control
 * ranges need no lint exception.
 */
const TEXT = '[^<&\\r\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]';
const WS = '[ \\t\\n]*';

function leaf(name: string, value: string): string {
  return `<${name}>${value}</${name}>${WS}`;
}

const DOCUMENT_START = new RegExp(
  '^(?:<\\?xml version="1\\.0" encoding="UTF-8"\\?>)?' +
    WS +
    '<Messages xmlns="http://mq\\.aliyuncs\\.com/doc/v1/?">' +
    WS,
);

/** One `<Message>` and the whitespace after it (sticky: matched where the previous one ended). */
const MESSAGE = new RegExp(
  '<Message>' +
    WS +
    leaf('MessageId', `(${TEXT}+)`) +
    leaf('ReceiptHandle', `(${TEXT}+)`) +
    leaf('MessageBodyMD5', `(${TEXT}*)`) +
    leaf('MessageBody', `(${TEXT}*)`) +
    leaf('PublishTime', '(\\d{1,15})') +
    leaf('FirstConsumeTime', '(\\d{1,15})') +
    leaf('NextConsumeTime', '(\\d{1,15})') +
    leaf('ConsumedTimes', '(\\d{1,15})') +
    `(?:${leaf('MessageTag', `(${TEXT}*)`)})?` +
    `(?:${leaf('Properties', `(${TEXT}*)`)})?` +
    '</Message>' +
    WS,
  'y',
);

const DOCUMENT_END = new RegExp(`</Messages>${WS}$`, 'y');

/** `String.prototype.isWellFormed` (ES2024, Node ≥ 20) is not in the ES2023 lib this package targets. */
type MaybeWellFormed = string & { isWellFormed(): boolean };

/**
 * The value of 1–15 ASCII digits (exact below 2^53). A loop over the characters: `Number()` of a
 * 13-digit time costs ≈60 ns against ≈40, and a message has four.
 */
function digits(text: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
  return value;
}

/** The messages of a plain consume answer with at least one message, else undefined. */
export function plainParseConsumeResponse(xml: string): ConsumedMessageDoc[] | undefined {
  if (!(xml as MaybeWellFormed).isWellFormed() || xml.indexOf(']]>') !== -1) return undefined;
  const start = DOCUMENT_START.exec(xml);
  if (start === null) return undefined;
  const out: ConsumedMessageDoc[] = [];
  let at = start[0].length;
  for (;;) {
    MESSAGE.lastIndex = at;
    const m = MESSAGE.exec(xml);
    if (m === null) break;
    const doc: ConsumedMessageDoc = {
      messageId: m[1] as string,
      receiptHandle: m[2] as string,
      bodyMd5: m[3] as string,
      body: m[4] as string,
      publishTime: digits(m[5] as string),
      firstConsumeTime: digits(m[6] as string),
      nextConsumeTime: digits(m[7] as string),
      consumedTimes: digits(m[8] as string),
    };
    // Empty ones count as absent, as in both other paths.
    const tag = m[9];
    if (tag !== undefined && tag.length > 0) doc.tag = tag;
    const properties = m[10];
    if (properties !== undefined && properties.length > 0) doc.properties = properties;
    out.push(doc);
    at = MESSAGE.lastIndex;
  }
  DOCUMENT_END.lastIndex = at;
  return out.length > 0 && DOCUMENT_END.test(xml) ? out : undefined;
}
