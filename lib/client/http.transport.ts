/**
 * One HTTP exchange on an undici Pool, collected straight into a string through a dispatch handler.
 * Skipping `pool.request()` avoids a Readable stream, its promise plumbing and an extra copy per
 * response; the handler also owns abort and timeout mapping, so a call always settles exactly once
 * and the socket is either reused (body fully read) or destroyed (abort, timeout, error).
 *
 * Deadlines: undici's `headersTimeout`/`bodyTimeout` only bound each gap (a peer that trickles a
 * byte now and then never trips them), so every exchange is also watched by the client's
 * `DeadlineWatch`, which cuts it `timeoutMs` after it started, whatever the peer does: waiting for a
 * socket, sending, waiting for headers or reading the body.
 */
import type { Dispatcher, Pool } from 'undici';
import { DeadlineEntry, type DeadlineWatch } from './deadline.watch.js';
import {
  MQAbortError,
  MQError,
  MQInvalidArgumentError,
  MQNetworkError,
  MQProtocolError,
  MQTimeoutError,
} from './client.errors.js';

export interface RawResponse {
  status: number;
  /** `x-mq-request-id` header, '' when absent. */
  requestId: string;
  body: string;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Request-target: path + '?' + raw query, exactly as signed. */
  path: string;
  /** Flat `[name, value, name, value, …]` list (cheapest form for undici). */
  headers: string[];
  body: Buffer | null;
  /** Whole-call deadline (from now until the body is read); also undici's per-gap timeouts. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /**
   * An abort that comes once the response has started arriving lets it complete (still bounded by
   * the deadline). For consumes: the server has already handed those messages out, and cutting the
   * response would leave them invisible to everyone until their invisibility window ends.
   */
  completeOnAbort?: boolean;
  /** For messages only, e.g. `publish to topic "T1"`. */
  operation: string;
}

/** A consume response holds at most 16 messages of ≤ 4 MiB, escaped; anything far above is garbage. */
const MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/** Maps whatever undici or the socket threw to our error classes, without any request detail. */
export function toClientError(err: unknown, operation: string, timeoutMs: number): MQError {
  if (err instanceof MQError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const codeText = typeof code === 'string' ? code : 'unknown';
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return new MQTimeoutError(
      `${operation}: no response within ${timeoutMs} ms (${codeText})`,
      err,
    );
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    // undici's messages name the header or option, never its value.
    return new MQInvalidArgumentError('request', `${operation}: ${(err as Error).message}`);
  }
  const detail = err instanceof Error && err.message ? `${err.message} ` : '';
  return new MQNetworkError(`${operation}: network error: ${detail}(${codeText})`, err);
}

/**
 * Collects one response. It implements undici's original handler interface (`onConnect`,
 * `onHeaders`, `onData`, `onComplete`, `onError`), which undici's core still calls directly: a
 * handler of the newer interface (`onRequestStart`, `onResponseStart`, …) gets wrapped per request
 * in an adapter that also parses every response's raw headers into an object. Here we look up the
 * one header we need in the raw list instead. That saves ≈1 µs of a publish's client CPU (two
 * allocations and a header parse per call); what it costs is these five method names, which
 * undici 7 marks deprecated but still calls for every request (its own adapter translates to them).
 */
class ResponseCollector extends DeadlineEntry implements Dispatcher.DispatchHandler {
  /** undici's abort of this request (set on connect). */
  private abortRequest: ((err?: Error) => void) | null = null;
  private settled = false;
  private status = 0;
  private requestId = '';
  private first: Buffer | null = null;
  private chunks: Buffer[] | null = null;
  private size = 0;
  private readonly onAbort: (() => void) | null = null;

  constructor(
    private readonly req: TransportRequest,
    private readonly watch: DeadlineWatch | undefined,
    private readonly resolve: (r: RawResponse) => void,
    private readonly reject: (e: MQError) => void,
  ) {
    super();
    const signal = req.signal;
    if (signal !== undefined) {
      this.onAbort = () => {
        // A response under way completes (see TransportRequest.completeOnAbort).
        if (req.completeOnAbort && this.status !== 0) return;
        this.abort(new MQAbortError(`${req.operation}: aborted`, signal.reason));
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** The whole-call deadline passed (DeadlineWatch). */
  expire(): void {
    this.abort(
      new MQTimeoutError(
        `${this.req.operation}: no complete response within ${this.req.timeoutMs} ms`,
      ),
    );
  }

  /** Settles now; the exchange is torn down as soon as undici hands us its abort. */
  abort(err: MQError): void {
    if (this.settled) return;
    this.fail(err);
    this.abortRequest?.(err);
  }

  /** @see the class comment: undici's core interface. */
  onConnect(abort: (err?: Error) => void): void {
    if (this.settled) {
      // Aborted while queued for a socket: do not send it at all.
      abort(new MQAbortError(`${this.req.operation}: aborted`));
      return;
    }
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    this.requestId = requestIdOf(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > MAX_RESPONSE_BYTES) {
      const err = new MQProtocolError({
        message: `${this.req.operation}: response body larger than ${MAX_RESPONSE_BYTES} bytes`,
        status: this.status,
        snippet: '',
        requestId: this.requestId,
      });
      this.fail(err);
      this.abortRequest?.(err);
      return false;
    }
    if (this.first === null) this.first = chunk;
    else (this.chunks ??= [this.first]).push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    this.detach();
    let body = '';
    if (this.chunks !== null) body = Buffer.concat(this.chunks, this.size).toString('utf8');
    else if (this.first !== null) body = this.first.toString('utf8');
    this.resolve({ status: this.status, requestId: this.requestId, body });
  }

  onError(err: Error): void {
    if (this.settled) return;
    this.fail(toClientError(err, this.req.operation, this.req.timeoutMs));
  }

  private fail(err: MQError): void {
    if (this.settled) return;
    this.settled = true;
    this.detach();
    this.reject(err);
  }

  private detach(): void {
    this.watch?.unwatch(this);
    if (this.onAbort !== null) this.req.signal?.removeEventListener('abort', this.onAbort);
  }
}

const REQUEST_ID = 'x-mq-request-id';

/** The first `x-mq-request-id` of undici's raw `[name, value, …]` list (names in any case), or ''. */
export function requestIdOf(rawHeaders: Buffer[]): string {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as Buffer;
    if (name.length === REQUEST_ID.length && name.toString('latin1').toLowerCase() === REQUEST_ID) {
      return (rawHeaders[i + 1] as Buffer).toString('latin1');
    }
  }
  return '';
}

/**
 * Sends one request. With a `watch`, the call is cut at `req.timeoutMs` whatever the peer does;
 * without one (a caller that bounds the call itself, e.g. the ONS client's `withDeadline`), only
 * undici's per-gap timeouts apply.
 */
export function send(
  pool: Pool,
  req: TransportRequest,
  watch?: DeadlineWatch,
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new MQAbortError(`${req.operation}: aborted before sending`, req.signal.reason));
      return;
    }
    const handler = new ResponseCollector(req, watch, resolve, reject);
    watch?.watch(handler, req.timeoutMs);
    // A throw here is reported through onResponseError by undici's dispatcher (never thrown).
    pool.dispatch(
      {
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        // undici closes the socket after a DELETE with a body (RFC 7231 leaves such bodies
        // undefined), which would cost a TCP handshake per ack. The MQ service expects these
        // bodies on kept-alive connections (PROTOCOL.md §1.6), so keep the socket.
        reset: req.method === 'DELETE' ? false : undefined,
      },
      handler,
    );
  });
}

/** `promise`, or an MQAbortError as soon as `signal` aborts (the promise is then left to settle). */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  operation: string,
): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(new MQAbortError(`${operation}: aborted`, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new MQAbortError(`${operation}: aborted`, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
