/**
 * Typed errors of the MQ HTTP client. Every error says whether retrying the same call makes sense.
 * None of them ever carries credentials, the Authorization header or other request headers: messages
 * are built only from the operation, topic and what the server answered.
 */

/** Base class of every error the client throws. */
export class MQError extends Error {
  /** True when repeating the same call later may succeed (network trouble, throttling, 5xx). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.retryable = retryable;
  }
}

/** The server answered with an `<Error>` document (PROTOCOL.md §4.7). */
export class MQServiceError extends MQError {
  readonly code: string;
  readonly status: number;
  readonly requestId: string;
  readonly hostId: string;

  constructor(init: {
    code: string;
    status: number;
    message: string;
    requestId: string;
    hostId: string;
    retryable: boolean;
  }) {
    super(init.message, init.retryable);
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.hostId = init.hostId;
  }
}

/** Connect, reset, refused or other socket-level failure: the outcome of the call is unknown. */
export class MQNetworkError extends MQError {
  constructor(message: string, cause?: unknown) {
    super(message, true, { cause });
  }
}

/** No (complete) answer within the request timeout or the long-poll deadline. */
export class MQTimeoutError extends MQNetworkError {}

/** The caller's AbortSignal fired (or the client was closed under a pending long poll). */
export class MQAbortError extends MQError {
  constructor(message = 'The operation was aborted', cause?: unknown) {
    super(message, false, { cause });
    // Same name as DOMException's abort, so `err.name === 'AbortError'` checks keep working.
    this.name = 'AbortError';
  }
}

/** A response we cannot understand: non-XML, wrong root, unexpected status, MD5 mismatch. */
export class MQProtocolError extends MQError {
  readonly status: number;
  readonly requestId?: string;
  /** The first characters of the response body, for diagnosis. */
  readonly snippet: string;

  constructor(init: {
    message: string;
    status: number;
    snippet: string;
    requestId?: string;
    retryable?: boolean;
  }) {
    super(init.message, init.retryable ?? false);
    this.status = init.status;
    this.snippet = init.snippet;
    if (init.requestId) this.requestId = init.requestId;
  }
}

/** Bad input, detected before anything is sent. */
export class MQInvalidArgumentError extends MQError {
  /** Name of the offending argument or option (e.g. `numOfMessages`, `options.connections`). */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(`${argument}: ${message}`, false);
    this.argument = argument;
  }
}
