import { buildOnsError, ONS_JSON_CONTENT_TYPE } from '../../protocol/ons/index.js';
import type { HttpAnswer } from '../http/fault.apply.js';
import type { OnsWireError } from './ons.errors.js';

/** A JSON answer (201 publish, 200 consume, errors). */
export function onsJsonAnswer(status: number, json: string, closeConnection = false): HttpAnswer {
  const body = Buffer.from(json, 'utf8');
  const headers: Record<string, string | number> = {
    'content-type': ONS_JSON_CONTENT_TYPE,
    'content-length': body.length,
  };
  if (closeConnection) headers.connection = 'close';
  return { status, headers, body };
}

/** 204 of a delete: no body. */
export function onsNoContentAnswer(): HttpAnswer {
  return { status: 204, headers: {}, body: undefined };
}

/**
 * `{"code":…,"info":…}` with the error's status. The service sent 403s without a body; the emulator
 * adds one (clients look at the status only) so that a developer sees why a request was refused.
 */
export function onsErrorAnswer(error: OnsWireError): HttpAnswer {
  return onsJsonAnswer(error.status, buildOnsError(error.code, error.info), error.closeConnection);
}
