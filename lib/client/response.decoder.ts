/**
 * Turns raw HTTP responses into typed results or typed errors (PROTOCOL.md §4.3–§4.7, §6).
 * Anything that is not exactly what the protocol promises becomes an MQProtocolError carrying the
 * status and a short snippet of the body (never request headers).
 */
import {
  bodyMd5,
  decodeProperties,
  isRetryableCode,
  parseConsumeResponse,
  parseErrorResponse,
  parsePublishResponse,
} from '../protocol/index.js';
import type { AckErrorItem, ConsumedMessageDoc, ErrorResponseDoc } from '../protocol/index.js';
import { MQProtocolError, MQServiceError } from './client.errors.js';
import type { MQError } from './client.errors.js';
import type { RawResponse } from './http.transport.js';
import type {
  MQAckFailure,
  MQAckResult,
  MQPublishResult,
  MQReceivedMessage,
} from './client.types.js';

const SNIPPET_LENGTH = 200;

function snippetOf(body: string): string {
  return body.length <= SNIPPET_LENGTH ? body : body.slice(0, SNIPPET_LENGTH) + '…';
}

function protocolError(res: RawResponse, operation: string, what: string): MQProtocolError {
  return new MQProtocolError({
    message: `${operation}: ${what} (HTTP ${res.status}${res.requestId ? `, request ${res.requestId}` : ''})`,
    status: res.status,
    snippet: snippetOf(res.body),
    requestId: res.requestId,
    // A gateway in front of the service answering 502/503 with HTML is worth a retry.
    retryable: res.status >= 500 || res.status === 429,
  });
}

/** Runs a codec parser; its XmlDocumentError (or anything else) becomes an MQProtocolError. */
function parseOr<T>(res: RawResponse, operation: string, parse: (xml: string) => T): T {
  try {
    return parse(res.body);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw protocolError(res, operation, `unreadable response: ${reason}`);
  }
}

function parseErrorDoc(res: RawResponse, operation: string): ErrorResponseDoc {
  if (res.body.length === 0) throw protocolError(res, operation, 'unexpected status, empty body');
  return parseOr(res, operation, parseErrorResponse);
}

function serviceError(
  res: RawResponse,
  operation: string,
  e: { code: string; message: string; requestId: string; hostId: string },
): MQServiceError {
  const requestId = e.requestId || res.requestId;
  return new MQServiceError({
    code: e.code,
    status: res.status,
    message: `${operation}: ${e.code}: ${e.message}${requestId ? ` (request ${requestId})` : ''}`,
    requestId,
    hostId: e.hostId,
    retryable: isRetryableCode(e.code) || res.status >= 500,
  });
}

/** Error for any status that is not the operation's success or documented non-success. */
export function errorFromResponse(res: RawResponse, operation: string): MQError {
  if (res.status < 400) return protocolError(res, operation, 'unexpected status');
  const doc = parseErrorDoc(res, operation);
  if (doc.kind !== 'error') {
    return protocolError(res, operation, 'unexpected <Errors> document');
  }
  return serviceError(res, operation, doc.error);
}

export function decodePublish(
  res: RawResponse,
  operation: string,
  sentBody: string,
  verifyMd5: boolean,
): MQPublishResult {
  if (res.status !== 201) throw errorFromResponse(res, operation);
  const doc = parseOr(res, operation, parsePublishResponse);
  if (verifyMd5 && !md5Equals(doc.bodyMd5, bodyMd5(sentBody))) {
    throw protocolError(
      res,
      operation,
      `MessageBodyMD5 ${doc.bodyMd5} does not match the body we sent; it was altered in transit`,
    );
  }
  const result: MQPublishResult = {
    messageId: doc.messageId,
    bodyMd5: doc.bodyMd5,
    requestId: res.requestId,
  };
  if (doc.receiptHandle !== undefined) result.receiptHandle = doc.receiptHandle;
  return result;
}

/** Server MD5s are upper-case hex; tolerate lower case without allocating in the normal case. */
function md5Equals(received: string, computed: string): boolean {
  return received === computed || received.toUpperCase() === computed;
}

function toReceived(doc: ConsumedMessageDoc): MQReceivedMessage {
  const p = decodeProperties(doc.properties);
  // One object shape for every message (optional fields present as undefined) keeps V8 monomorphic.
  return {
    messageId: doc.messageId,
    receiptHandle: doc.receiptHandle,
    bodyMd5: doc.bodyMd5,
    body: doc.body,
    publishTime: doc.publishTime,
    firstConsumeTime: doc.firstConsumeTime,
    nextConsumeTime: doc.nextConsumeTime,
    consumedTimes: doc.consumedTimes,
    tag: doc.tag,
    key: p.messageKey,
    startDeliverTime: p.startDeliverTime,
    transCheckImmunitySeconds: p.transCheckImmunitySeconds,
    shardingKey: p.shardingKey,
    properties: p.user,
  };
}

export function decodeConsume(
  res: RawResponse,
  operation: string,
  verifyMd5: boolean,
): MQReceivedMessage[] {
  if (res.status === 200) {
    const docs = parseOr(res, operation, parseConsumeResponse);
    const out: MQReceivedMessage[] = new Array(docs.length);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as ConsumedMessageDoc;
      if (verifyMd5 && !md5Equals(doc.bodyMd5, bodyMd5(doc.body))) {
        throw protocolError(
          res,
          operation,
          `MessageBodyMD5 of message ${doc.messageId} does not match its body`,
        );
      }
      out[i] = toReceived(doc);
    }
    return out;
  }
  if (res.status === 404) {
    const doc = parseErrorDoc(res, operation);
    if (doc.kind === 'error') {
      // An empty (long) poll is normal operation, not an error (§1.2).
      if (doc.error.code === 'MessageNotExist') return [];
      throw serviceError(res, operation, doc.error);
    }
    throw protocolError(res, operation, 'unexpected <Errors> document');
  }
  throw errorFromResponse(res, operation);
}

export function decodeAck(res: RawResponse, operation: string, handles: string[]): MQAckResult {
  if (res.status === 204) {
    // A copy: the caller may reuse its array for the next batch.
    return { acked: handles.slice(), failed: [], requestId: res.requestId };
  }
  if (res.status !== 404) throw errorFromResponse(res, operation);
  const doc = parseErrorDoc(res, operation);
  if (doc.kind === 'error') throw serviceError(res, operation, doc.error);
  const failed: MQAckFailure[] = new Array(doc.items.length);
  for (let i = 0; i < doc.items.length; i++) {
    const item = doc.items[i] as AckErrorItem;
    failed[i] = { receiptHandle: item.receiptHandle, code: item.code, message: item.message };
  }
  // Handles the server did not list were accepted (§4.6). Small lists: a linear scan beats a Set.
  const acked: string[] = [];
  for (const handle of handles) {
    let rejected = false;
    for (const f of failed) {
      if (f.receiptHandle === handle) {
        rejected = true;
        break;
      }
    }
    if (!rejected) acked.push(handle);
  }
  return { acked, failed, requestId: res.requestId };
}
