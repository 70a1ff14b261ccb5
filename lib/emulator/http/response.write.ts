import type { ServerResponse } from 'node:http';
import {
  buildError,
  findIllegalXmlChar,
  MQ_VERSION,
  REQUEST_ID_HEADER,
  XML_CONTENT_TYPE,
} from '../../protocol/index.js';
import type { HttpAnswer } from './fault.apply.js';
import type { WireError } from './http.errors.js';

/** A complete answer, built before anything is written (so a fault can decide how it goes out). */
export interface Reply {
  status: number;
  /** Undefined for 204 (no body, no content type). */
  body: Buffer | undefined;
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
  // Encode once: measuring the length and then writing the string would scan it twice.
  return { status, body: Buffer.from(xml, 'utf8'), requestId, closeConnection };
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

export function replyHeaders(reply: Reply): Record<string, string | number> {
  const headers: Record<string, string | number> =
    reply.body === undefined
      ? { [REQUEST_ID_HEADER]: reply.requestId, 'x-mq-version': MQ_VERSION }
      : {
          'content-type': XML_CONTENT_TYPE,
          'content-length': reply.body.length,
          [REQUEST_ID_HEADER]: reply.requestId,
          'x-mq-version': MQ_VERSION,
        };
  if (reply.closeConnection) headers.connection = 'close';
  return headers;
}

/** The reply as a plain HTTP answer (for the fault layer). */
export function replyAnswer(reply: Reply): HttpAnswer {
  return { status: reply.status, headers: replyHeaders(reply), body: reply.body };
}

/** Writes the reply; false when the response can no longer be written (client gone). */
export function writeReply(res: ServerResponse, reply: Reply): boolean {
  if (res.headersSent || res.destroyed) return false;
  res.writeHead(reply.status, replyHeaders(reply));
  res.end(reply.body);
  return true;
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
