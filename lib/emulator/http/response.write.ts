import type { ServerResponse } from 'node:http';
import {
  buildError,
  findIllegalXmlChar,
  MQ_VERSION,
  REQUEST_ID_HEADER,
  XML_CONTENT_TYPE,
} from '../../protocol/index.js';
import type { WireError } from './http.errors.js';

/**
 * Sends an XML document with the headers every SDK relies on (PROTOCOL.md §2.3): the XML content
 * type (Node only parses errors when it is present), the lower-case request id (Python reads it
 * case-sensitively) and the protocol version.
 */
export function sendXml(
  res: ServerResponse,
  status: number,
  xml: string,
  requestId: string,
  closeConnection = false,
): void {
  if (res.headersSent || res.destroyed) return;
  // Encode once: measuring the length and then writing the string would scan it twice.
  const bytes = Buffer.from(xml, 'utf8');
  const headers: Record<string, string | number> = {
    'content-type': XML_CONTENT_TYPE,
    'content-length': bytes.length,
    [REQUEST_ID_HEADER]: requestId,
    'x-mq-version': MQ_VERSION,
  };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(bytes);
}

/** 204 for ack, commit and rollback: no body and no content type. */
export function sendNoContent(res: ServerResponse, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(204, { [REQUEST_ID_HEADER]: requestId, 'x-mq-version': MQ_VERSION });
  res.end();
}

/** The cloud's `<Error>` document with all four children (§4.7); HostId is the emulator's URL. */
export function sendError(
  res: ServerResponse,
  error: WireError,
  requestId: string,
  hostId: string,
): void {
  const message = xmlSafe(error.message);
  const xml = buildError({ code: error.code, message, requestId, hostId });
  sendXml(res, error.status, xml, requestId, error.closeConnection);
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
