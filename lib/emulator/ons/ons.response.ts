import type { ServerResponse } from 'node:http';
import { buildOnsError, ONS_JSON_CONTENT_TYPE } from '../../protocol/ons/index.js';
import type { OnsWireError } from './ons.errors.js';

/** A JSON answer (201 publish, 200 consume, errors). */
export function sendOnsJson(
  res: ServerResponse,
  status: number,
  json: string,
  closeConnection = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(json, 'utf8');
  const headers: Record<string, string | number> = {
    'content-type': ONS_JSON_CONTENT_TYPE,
    'content-length': bytes.length,
  };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(bytes);
}

/** 204 of a delete: no body. */
export function sendOnsNoContent(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(204);
  res.end();
}

/**
 * `{"code":…,"info":…}` with the error's status. The service sent 403s without a body; the emulator
 * adds one (clients look at the status only) so that a developer sees why a request was refused.
 */
export function sendOnsError(res: ServerResponse, error: OnsWireError): void {
  sendOnsJson(res, error.status, buildOnsError(error.code, error.info), error.closeConnection);
}
