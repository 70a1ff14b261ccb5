/**
 * The fast lane's request-head reader (fast-lane.ts). It accepts only the plainest form of an MQ
 * protocol request — `GET|POST|DELETE /topics/… HTTP/1.1`, a Host, a decimal Content-Length, no
 * duplicate header, no Transfer-Encoding, Expect, Upgrade or Connection other than keep-alive —
 * and reads it exactly as node:http would (names lower-cased, values without surrounding spaces
 * and tabs). Anything else, valid or not, is not its business: it answers undefined and the
 * connection goes to node:http, whose parser, limits and error answers apply unchanged.
 */
import type { RequestHead } from './request.head.js';

/** node:http's default limit for a request head (`--max-http-header-size`). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Far above what any SDK sends; a head with more is left to node:http. */
const MAX_HEADERS = 64;

export interface FastRequestHead extends RequestHead {
  readonly method: string;
  readonly url: string;
  /** Lower-case names (a null-prototype object: a header may be called `__proto__`). */
  readonly headers: Record<string, string>;
  readonly contentLength: number;
}

/** `METHOD SP /topics/… SP HTTP/1.1`: request-target characters as llhttp takes them, no spaces. */
const REQUEST_LINE = /^(GET|POST|DELETE) (\/topics\/[\x21-\x7e]*) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Anything but tab, visible ASCII, space and obs-text: node:http refuses it in a value. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const DIGITS = /^[0-9]{1,10}$/;

/**
 * Reads the head `text` (latin1, without the blank line that ends it). Undefined when the request
 * is not one the fast lane serves, or when its body would be larger than `maxBodyBytes` (node:http
 * answers and drains it).
 */
export function readRequestHead(text: string, maxBodyBytes: number): FastRequestHead | undefined {
  let lineEnd = text.indexOf('\r\n');
  const requestLine = REQUEST_LINE.exec(lineEnd === -1 ? text : text.slice(0, lineEnd));
  if (requestLine === null) return undefined;
  const headers = Object.create(null) as Record<string, string>;
  let count = 0;
  let contentLength = 0;
  let host = false;
  while (lineEnd !== -1) {
    const start = lineEnd + 2;
    lineEnd = text.indexOf('\r\n', start);
    const line = lineEnd === -1 ? text.slice(start) : text.slice(start, lineEnd);
    const colon = line.indexOf(':');
    if (colon <= 0 || ++count > MAX_HEADERS) return undefined;
    const rawName = line.slice(0, colon);
    if (!TOKEN.test(rawName)) return undefined;
    const value = trimOws(line, colon + 1);
    if (BAD_VALUE_CHAR.test(value)) return undefined;
    const name = rawName.toLowerCase();
    // node:http joins or drops repeats depending on the name: never guess, leave them to it.
    if (headers[name] !== undefined) return undefined;
    switch (name) {
      case 'host':
        host = true;
        break;
      case 'content-length':
        if (!DIGITS.test(value)) return undefined;
        contentLength = Number(value);
        if (contentLength > maxBodyBytes) return undefined;
        break;
      case 'connection':
        if (value.toLowerCase() !== 'keep-alive') return undefined;
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return undefined;
    }
    headers[name] = value;
  }
  // HTTP/1.1 requires Host; node:http answers 400 without one.
  if (!host) return undefined;
  return {
    method: requestLine[1] as string,
    url: requestLine[2] as string,
    headers,
    contentLength,
  };
}

/** `line` from `from`, without leading and trailing spaces and tabs (not String#trim's Unicode set). */
function trimOws(line: string, from: number): string {
  let start = from;
  let end = line.length;
  while (start < end && isOws(line.charCodeAt(start))) start++;
  while (end > start && isOws(line.charCodeAt(end - 1))) end--;
  return start === 0 && end === line.length ? line : line.slice(start, end);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
