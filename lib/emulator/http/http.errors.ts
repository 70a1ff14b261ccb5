import { MQ_ERRORS, PropertyError, XmlDocumentError } from '../../protocol/index.js';
import type { MQErrorCode } from '../../protocol/index.js';
import { BrokerError } from '../broker/broker.errors.js';

/**
 * A request the front refuses before it reaches the broker (bad URL, query, headers, body).
 * `closeConnection` is set when the request body was not read to its end, so the connection
 * cannot carry another request.
 */
export class MQRequestError extends Error {
  constructor(
    readonly code: MQErrorCode,
    message?: string,
    readonly closeConnection = false,
  ) {
    super(message ?? MQ_ERRORS[code].message);
    this.name = 'MQRequestError';
  }
}

/** What an error becomes on the wire. */
export interface WireError {
  code: MQErrorCode;
  status: number;
  message: string;
  closeConnection: boolean;
  /** Not a client mistake: the emulator itself failed (logged, answered 500 InternalError). */
  internal: boolean;
}

/** Maps anything thrown while serving a request to the cloud's error code and status. */
export function toWireError(err: unknown): WireError {
  if (err instanceof MQRequestError) return wire(err.code, err.message, err.closeConnection);
  if (err instanceof BrokerError) return wire(err.code as MQErrorCode, err.message, false);
  if (err instanceof XmlDocumentError) return wire(err.code, err.message, false);
  // Property syntax errors are client mistakes; the cloud answers them as invalid arguments.
  if (err instanceof PropertyError) return wire('InvalidArgument', err.message, false);
  return { ...wire('InternalError', MQ_ERRORS.InternalError.message, false), internal: true };
}

function wire(code: MQErrorCode, message: string, closeConnection: boolean): WireError {
  const entry = MQ_ERRORS[code] ?? MQ_ERRORS.InternalError;
  return { code, status: entry.status, message, closeConnection, internal: false };
}
