import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';
import {
  buildError,
  findIllegalXmlChar,
  MQ_VERSION,
  XML_CONTENT_TYPE,
} from '../../protocol/index.js';
import type { HttpAnswer } from './fault.apply.js';
import { toWireError } from './http.errors.js';
import type { WireError } from './http.errors.js';
import { describeFault } from './http.log.js';
import type { EmulatorLog } from './http.log.js';
import type { ServeState } from './request.log.js';

/** A complete answer, built before anything is written (so a fault can decide how it goes out). */
export interface Reply {
  status: number;
  /** The XML document; undefined for 204 (no body, no content type). */
  body: string | undefined;
  requestId: string;
  closeConnection: boolean;
}

/**
 * An XML document with the headers every SDK relies on (PROTOCOL.md §2.3): the XML content type
 * (Node only parses errors when it is present), the lower-case request id (Python reads it
 * case-sensitively) and the protocol version.
 */
export function xmlReply(
  status: number,
  xml: string,
  requestId: string,
  closeConnection = false,
): Reply {
  return { status, body: xml, requestId, closeConnection };
}

/** 204 for ack, commit and rollback: no body and no content type. */
export function noContentReply(requestId: string): Reply {
  return { status: 204, body: undefined, requestId, closeConnection: false };
}

/** The cloud's `<Error>` document with all four children (§4.7); HostId is the emulator's URL. */
export function errorReply(error: WireError, requestId: string, hostId: string): Reply {
  const message = xmlSafe(error.message);
  const xml = buildError({ code: error.code, message, requestId, hostId });
  return xmlReply(error.status, xml, requestId, error.closeConnection);
}

/** The error answer for what serving a request threw (the request's own fault, or ours: logged). */
export function failureReply(
  err: unknown,
  log: EmulatorLog,
  method: string | undefined,
  path: string,
  requestId: string,
  state: ServeState,
  hostId: string,
): Reply {
  const wire = toWireError(err);
  state.errorCode = wire.code;
  if (wire.internal) {
    log.warn(
      `InternalError serving ${method} ${path} (request ${requestId}): ${describeFault(err)}`,
    );
  }
  return errorReply(wire, requestId, hostId);
}

export function replyHeaders(reply: Reply): Record<string, string | number> {
  // Literal names (REQUEST_ID_HEADER is 'x-mq-request-id'): a computed key makes every reply's
  // header object a slow dictionary-mode one.
  const headers: Record<string, string | number> =
    reply.body === undefined
      ? { 'x-mq-request-id': reply.requestId, 'x-mq-version': MQ_VERSION }
      : {
          'content-type': XML_CONTENT_TYPE,
          'content-length': Buffer.byteLength(reply.body, 'utf8'),
          'x-mq-request-id': reply.requestId,
          'x-mq-version': MQ_VERSION,
        };
  if (reply.closeConnection) headers.connection = 'close';
  return headers;
}

/** The reply as a plain HTTP answer (for the fault layer). */
export function replyAnswer(reply: Reply): HttpAnswer {
  const body = reply.body === undefined ? undefined : Buffer.from(reply.body, 'utf8');
  return { status: reply.status, headers: replyHeaders(reply), body };
}

/**
 * Writes the reply; false when the response can no longer be written (client gone). The body goes
 * to `end` as a string: Node then sends the headers and the body as ONE string write (no Buffer
 * made for the body, no two-chunk writev); only its length is measured first.
 */
export function writeReply(res: ServerResponse, reply: Reply): boolean {
  if (res.headersSent || res.destroyed) return false;
  res.writeHead(reply.status, replyHeaders(reply));
  if (reply.body === undefined) res.end();
  else res.end(reply.body, 'utf8');
  return true;
}

/**
 * The reply as the text node:http would send for it (the fast lane writes it to the socket as one
 * string): status line, the reply's headers, then Date and, unless the reply closes the
 * connection, the keep-alive pair node:http adds.
 */
export function replyText(reply: Reply, keepAliveSeconds: number): string {
  const body = reply.body;
  let text = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Unknown'}\r\n`;
  if (body !== undefined) {
    text += `content-type: ${XML_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body, 'utf8')}\r\n`;
  }
  text += `x-mq-request-id: ${reply.requestId}\r\nx-mq-version: ${MQ_VERSION}\r\n`;
  text += reply.closeConnection
    ? `connection: close\r\nDate: ${httpDate()}\r\n\r\n`
    : `Date: ${httpDate()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n\r\n`;
  return body === undefined ? text : text + body;
}

let dateSecond = -1;
let dateText = '';

/** The Date header's value, made once per second (as node:http does). */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

export function sendError(
  res: ServerResponse,
  error: WireError,
  requestId: string,
  hostId: string,
): void {
  writeReply(res, errorReply(error, requestId, hostId));
}

/**
 * Error messages may quote client input (a query value, a group id); characters XML cannot carry
 * become U+FFFD so the error document always stays well-formed.
 */
export function xmlSafe(text: string): string {
  if (findIllegalXmlChar(text) === -1) return text;
  let out = '';
  for (const ch of text) out += findIllegalXmlChar(ch) === -1 ? ch : '\uFFFD';
  return out;
}
