/**
 * The ONE place where message bodies cross between bytes and the broker's stored form.
 *
 * The broker keeps a body as text, because the MQ HTTP protocol carries text (XML). RocketMQ 5
 * bodies are bytes. A body whose bytes are UTF-8 text that XML can carry is stored as that text, so
 * HTTP consumers read it as is. Any other body (binary, or text with characters XML 1.0 forbids) is
 * stored as base64 text with the property `__BODY_ENCODING:base64`, which HTTP consumers see and
 * gRPC consumers never do (they get the original bytes back). An HTTP producer may use the same
 * property to send bytes to gRPC consumers.
 *
 * When storage keeps bytes, these functions are what changes.
 */
import { findIllegalXmlChar } from '../../protocol/index.js';

/** Property marking a body stored as base64 of its bytes. */
export const BODY_ENCODING_PROPERTY = '__BODY_ENCODING';
export const BASE64_BODY = 'base64';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface StoredBody {
  text: string;
  /** True when `text` is base64 and the message needs `__BODY_ENCODING:base64`. */
  base64: boolean;
}

/** The stored form of a body received as bytes. */
export function bodyFromBytes(bytes: Uint8Array): StoredBody {
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined && findIllegalXmlChar(text) === -1) return { text, base64: false };
  return {
    text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    base64: true,
  };
}

/** The bytes of a stored body; `encoding` is the message's `__BODY_ENCODING` property, if any. */
export function bodyToBytes(text: string, encoding: string | undefined): Buffer {
  return encoding === BASE64_BODY ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}
