/**
 * Turns raw answers of the 2017 ONS HTTP API into typed results or the package's errors.
 * Error messages carry the operation, the status and what the server said; never a request header.
 */
import {
  isOnsErrorCode,
  ONS_ERRORS,
  OnsJsonError,
  parseOnsError,
  parseOnsMessages,
  parseOnsPublishResponse,
} from '../../protocol/ons/index.js';
import { MQProtocolError, MQServiceError } from '../client.errors.js';
import type { MQError } from '../client.errors.js';
import type { RawResponse } from '../http.transport.js';
import type { OnsPublishResult, OnsReceivedMessage } from './ons.types.js';

const SNIPPET_LENGTH = 200;

export function decodePublish(res: RawResponse, operation: string): OnsPublishResult {
  // 201 is the documented answer; the old clients accept 200 too.
  if (res.status !== 201 && res.status !== 200) throw errorFromResponse(res, operation);
  const doc = parse(res, operation, parseOnsPublishResponse);
  return { messageId: doc.msgId, sendStatus: doc.sendStatus };
}

export function decodeConsume(res: RawResponse, operation: string): OnsReceivedMessage[] {
  if (res.status === 204) return [];
  if (res.status !== 200) throw errorFromResponse(res, operation);
  return parse(res, operation, parseOnsMessages);
}

export function decodeDelete(res: RawResponse, operation: string): void {
  if (res.status !== 204 && res.status !== 200) throw errorFromResponse(res, operation);
}

/**
 * 400 `{code, info}` → MQServiceError with that code. The service answered 403 (signature, clock
 * skew) and 408 (timeout) without a body: they get the codes `Forbidden` and `RequestTimeout`.
 */
export function errorFromResponse(res: RawResponse, operation: string): MQError {
  const doc = res.body.length > 0 ? parseOnsError(res.body) : undefined;
  if (doc !== undefined) {
    return serviceError(
      res,
      operation,
      doc.code,
      doc.info,
      isOnsErrorCode(doc.code) ? ONS_ERRORS[doc.code].retryable : retryableStatus(res.status),
    );
  }
  if (res.status === 403) {
    return serviceError(res, operation, 'Forbidden', 'refused (signature or time)', false);
  }
  if (res.status === 408) {
    return serviceError(res, operation, 'RequestTimeout', 'the server timed out', true);
  }
  return protocolError(
    res,
    operation,
    res.status >= 400 ? 'error status without a {code, info} body' : 'unexpected status',
  );
}

function serviceError(
  res: RawResponse,
  operation: string,
  code: string,
  info: string,
  retryable: boolean,
): MQServiceError {
  return new MQServiceError({
    code,
    status: res.status,
    message: `${operation}: ${code}: ${info} (HTTP ${res.status})`,
    requestId: res.requestId,
    hostId: '',
    retryable,
  });
}

function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function protocolError(res: RawResponse, operation: string, what: string): MQProtocolError {
  return new MQProtocolError({
    message: `${operation}: ${what} (HTTP ${res.status})`,
    status: res.status,
    snippet: res.body.length <= SNIPPET_LENGTH ? res.body : res.body.slice(0, SNIPPET_LENGTH) + '…',
    retryable: retryableStatus(res.status),
  });
}

function parse<T>(res: RawResponse, operation: string, parser: (text: string) => T): T {
  try {
    return parser(res.body);
  } catch (err) {
    const reason = err instanceof OnsJsonError ? err.message : String(err);
    throw protocolError(res, operation, `unreadable answer: ${reason}`);
  }
}
