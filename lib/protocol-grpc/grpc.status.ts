/**
 * The RocketMQ 5 `Code` enum (definition.proto) with what each code means and when the RocketMQ 5
 * proxy answers it. The proxy reports request failures INSIDE the response (`status` field, gRPC
 * status OK); a gRPC error status is only used for transport-level failures (unimplemented method,
 * unparsable frame, message too large, a Telemetry stream without settings).
 *
 * Clients (rocketmq-client-nodejs 1.0.8 StatusChecker) treat OK, MULTIPLE_RESULTS and
 * MESSAGE_NOT_FOUND as success, and map the 400xx codes to BadRequest, 40100 to Unauthorized, 404xx
 * to NotFound, 413xx to PayloadTooLarge, 42900 to TooManyRequests (retried with backoff), 500xx to
 * InternalError (SimpleConsumer retries those), 504xx to ProxyTimeout and 505xx to Unsupported.
 */

export interface CodeInfo {
  readonly value: number;
  readonly meaning: string;
  /** When the proxy answers it (empty: not used by the proxy's MessagingService). */
  readonly proxyReturns: string;
}

export const ROCKETMQ_CODES = {
  CODE_UNSPECIFIED: { value: 0, meaning: 'not set', proxyReturns: '' },
  OK: { value: 20000, meaning: 'success', proxyReturns: 'every successful call' },
  MULTIPLE_RESULTS: {
    value: 30000,
    meaning: 'entries of a batch ended differently',
    proxyReturns: 'SendMessage and AckMessage when entries have different codes',
  },
  BAD_REQUEST: {
    value: 40000,
    meaning: 'required fields or headers missing or invalid',
    proxyReturns:
      'ReceiveMessage before client 5.0.3 when the deadline is too short; generic validation',
  },
  ILLEGAL_ACCESS_POINT: { value: 40001, meaning: 'access point malformed', proxyReturns: '' },
  ILLEGAL_TOPIC: {
    value: 40002,
    meaning: 'topic name malformed or a system topic',
    proxyReturns: 'any call naming a bad topic',
  },
  ILLEGAL_CONSUMER_GROUP: {
    value: 40003,
    meaning: 'consumer group name malformed or a system group',
    proxyReturns: 'any call naming a bad group',
  },
  ILLEGAL_MESSAGE_TAG: {
    value: 40004,
    meaning: 'tag blank, with "|" or control characters',
    proxyReturns: 'SendMessage',
  },
  ILLEGAL_MESSAGE_KEY: {
    value: 40005,
    meaning: 'key blank or with control characters',
    proxyReturns: 'SendMessage',
  },
  ILLEGAL_MESSAGE_GROUP: {
    value: 40006,
    meaning: 'message group blank, too long (64 bytes) or with control characters',
    proxyReturns: 'SendMessage',
  },
  ILLEGAL_MESSAGE_PROPERTY_KEY: {
    value: 40007,
    meaning: 'user property reserved by the system or with control characters',
    proxyReturns: 'SendMessage',
  },
  INVALID_TRANSACTION_ID: {
    value: 40008,
    meaning: 'transaction id missing',
    proxyReturns: 'EndTransaction',
  },
  ILLEGAL_MESSAGE_ID: { value: 40009, meaning: 'message id empty', proxyReturns: 'SendMessage' },
  ILLEGAL_FILTER_EXPRESSION: {
    value: 40010,
    meaning: 'filter expression unparsable',
    proxyReturns: 'ReceiveMessage, Telemetry settings',
  },
  ILLEGAL_INVISIBLE_TIME: {
    value: 40011,
    meaning: 'invisible duration out of range (receive: 10 s to 12 h; change: up to 12 h)',
    proxyReturns: 'ReceiveMessage, ChangeInvisibleDuration',
  },
  ILLEGAL_DELIVERY_TIME: {
    value: 40012,
    meaning: 'delivery timestamp too far ahead',
    proxyReturns: 'SendMessage',
  },
  INVALID_RECEIPT_HANDLE: {
    value: 40013,
    meaning: 'receipt handle invalid or expired',
    proxyReturns: 'AckMessage entries, ChangeInvisibleDuration',
  },
  MESSAGE_PROPERTY_CONFLICT_WITH_TYPE: {
    value: 40014,
    meaning: 'message type does not match the topic type',
    proxyReturns: 'SendMessage (topic message type check)',
  },
  UNRECOGNIZED_CLIENT_TYPE: {
    value: 40015,
    meaning: 'no settings known for this client',
    proxyReturns: 'Heartbeat, NotifyClientTermination before any Telemetry settings',
  },
  MESSAGE_CORRUPTED: {
    value: 40016,
    meaning: 'message malformed (no message, topics differ, digest mismatch)',
    proxyReturns: 'SendMessage',
  },
  CLIENT_ID_REQUIRED: {
    value: 40017,
    meaning: 'x-mq-client-id header missing',
    proxyReturns: 'every call',
  },
  ILLEGAL_POLLING_TIME: {
    value: 40018,
    meaning: 'not enough deadline left for long polling',
    proxyReturns: 'ReceiveMessage',
  },
  ILLEGAL_OFFSET: { value: 40019, meaning: 'offset illegal', proxyReturns: '' },
  ILLEGAL_LITE_TOPIC: { value: 40020, meaning: 'lite topic malformed', proxyReturns: '' },
  UNAUTHORIZED: {
    value: 40100,
    meaning: 'authentication failed (unknown user, bad signature) or not allowed',
    proxyReturns: 'every call when ACL is on',
  },
  PAYMENT_REQUIRED: { value: 40200, meaning: 'account overdue', proxyReturns: '' },
  FORBIDDEN: {
    value: 40300,
    meaning: 'operation not permitted',
    proxyReturns: 'QueryAssignment when no queue is readable',
  },
  NOT_FOUND: { value: 40400, meaning: 'resource not found', proxyReturns: '' },
  MESSAGE_NOT_FOUND: {
    value: 40401,
    meaning: 'no message to receive (not an error)',
    proxyReturns: 'ReceiveMessage when the long poll ends empty',
  },
  TOPIC_NOT_FOUND: { value: 40402, meaning: 'topic does not exist', proxyReturns: 'any call' },
  CONSUMER_GROUP_NOT_FOUND: {
    value: 40403,
    meaning: 'consumer group does not exist',
    proxyReturns: 'consumer calls',
  },
  OFFSET_NOT_FOUND: { value: 40404, meaning: 'offset not found', proxyReturns: '' },
  REQUEST_TIMEOUT: { value: 40800, meaning: 'client-side timeout', proxyReturns: '' },
  PAYLOAD_TOO_LARGE: { value: 41300, meaning: 'request too large', proxyReturns: '' },
  MESSAGE_BODY_TOO_LARGE: {
    value: 41301,
    meaning: 'message body above the limit (4 MiB)',
    proxyReturns: 'SendMessage',
  },
  MESSAGE_BODY_EMPTY: {
    value: 41302,
    meaning: 'message body empty',
    proxyReturns: 'SendMessage',
  },
  PRECONDITION_FAILED: { value: 42800, meaning: 'precondition not met', proxyReturns: '' },
  TOO_MANY_REQUESTS: {
    value: 42900,
    meaning: 'throttled',
    proxyReturns: 'any call when a thread pool is full; ReceiveMessage "polling full"',
  },
  LITE_TOPIC_QUOTA_EXCEEDED: { value: 42901, meaning: 'lite topic quota', proxyReturns: '' },
  LITE_SUBSCRIPTION_QUOTA_EXCEEDED: {
    value: 42902,
    meaning: 'lite subscription quota',
    proxyReturns: '',
  },
  REQUEST_HEADER_FIELDS_TOO_LARGE: {
    value: 43100,
    meaning: 'headers too large',
    proxyReturns: '',
  },
  MESSAGE_PROPERTIES_TOO_LARGE: {
    value: 43101,
    meaning: 'user properties too many (128) or too large (16 KiB)',
    proxyReturns: 'SendMessage',
  },
  INTERNAL_ERROR: { value: 50000, meaning: 'unexpected condition', proxyReturns: '' },
  INTERNAL_SERVER_ERROR: {
    value: 50001,
    meaning: 'unexpected server condition',
    proxyReturns: 'any call on an unexpected exception',
  },
  HA_NOT_AVAILABLE: { value: 50002, meaning: 'replica unavailable', proxyReturns: 'SendMessage' },
  NOT_IMPLEMENTED: {
    value: 50100,
    meaning: 'functionality not supported',
    proxyReturns: 'calls the broker does not support',
  },
  PROXY_TIMEOUT: { value: 50400, meaning: 'upstream timeout', proxyReturns: 'any call' },
  MASTER_PERSISTENCE_TIMEOUT: {
    value: 50401,
    meaning: 'flush to disk timed out',
    proxyReturns: 'SendMessage',
  },
  SLAVE_PERSISTENCE_TIMEOUT: {
    value: 50402,
    meaning: 'replication timed out',
    proxyReturns: 'SendMessage',
  },
  UNSUPPORTED: { value: 50500, meaning: 'operation unsupported', proxyReturns: '' },
  VERSION_UNSUPPORTED: { value: 50501, meaning: 'version unsupported', proxyReturns: '' },
  VERIFY_FIFO_MESSAGE_UNSUPPORTED: {
    value: 50502,
    meaning: 'cannot verify FIFO messages',
    proxyReturns: 'Telemetry verify results',
  },
  FAILED_TO_CONSUME_MESSAGE: {
    value: 60000,
    meaning: 'consumption failed',
    proxyReturns: 'Telemetry verify results',
  },
} as const satisfies Record<string, CodeInfo>;

export type RocketMQCode = keyof typeof ROCKETMQ_CODES;

const NAMES_BY_VALUE = new Map<number, RocketMQCode>(
  Object.entries(ROCKETMQ_CODES).map(([name, info]) => [info.value, name as RocketMQCode]),
);

/** The enum name of a code as decoded (name or number); undefined for an unknown number. */
export function codeName(code: string | number | undefined | null): RocketMQCode | undefined {
  if (typeof code === 'number') return NAMES_BY_VALUE.get(code);
  if (typeof code === 'string' && code in ROCKETMQ_CODES) return code as RocketMQCode;
  return undefined;
}

export function codeValue(code: RocketMQCode): number {
  return ROCKETMQ_CODES[code].value;
}

/** Codes a client treats as success: OK, MULTIPLE_RESULTS and MESSAGE_NOT_FOUND. */
export function isSuccessCode(code: string | number | undefined | null): boolean {
  const name = codeName(code);
  return name === 'OK' || name === 'MULTIPLE_RESULTS' || name === 'MESSAGE_NOT_FOUND';
}

/** A `Status` message (the message defaults to the code name, as the proxy does). */
export function status(
  code: RocketMQCode,
  message?: string,
): { code: RocketMQCode; message: string } {
  return { code, message: message ?? code };
}

/** The OK status every successful response carries. */
export const OK_STATUS = Object.freeze(status('OK'));

/**
 * A request that ends with a RocketMQ status other than OK. Servers turn it into the response's
 * `status`; clients throw it when a response carries such a status.
 */
export class RocketMQStatusError extends Error {
  constructor(
    readonly code: RocketMQCode,
    message: string,
  ) {
    super(message);
    this.name = 'RocketMQStatusError';
  }
}

/**
 * The gRPC transport's own status codes (not RocketMQ's `Code`): what a call ends with when the
 * failure is below the RocketMQ protocol (the server is unreachable, the deadline passed, a frame
 * does not decode). `httpStatus` is the usual HTTP equivalent (google.rpc.Code's mapping).
 */
export const GRPC_STATUSES = {
  OK: { value: 0, httpStatus: 200, meaning: 'OK' },
  CANCELLED: { value: 1, httpStatus: 499, meaning: 'Call cancelled' },
  UNKNOWN: { value: 2, httpStatus: 500, meaning: 'Unknown error' },
  INVALID_ARGUMENT: { value: 3, httpStatus: 400, meaning: 'Invalid argument' },
  DEADLINE_EXCEEDED: { value: 4, httpStatus: 504, meaning: 'Deadline exceeded' },
  NOT_FOUND: { value: 5, httpStatus: 404, meaning: 'Not found' },
  ALREADY_EXISTS: { value: 6, httpStatus: 409, meaning: 'Already exists' },
  PERMISSION_DENIED: { value: 7, httpStatus: 403, meaning: 'Permission denied' },
  RESOURCE_EXHAUSTED: { value: 8, httpStatus: 429, meaning: 'Resource exhausted' },
  FAILED_PRECONDITION: { value: 9, httpStatus: 400, meaning: 'Failed precondition' },
  ABORTED: { value: 10, httpStatus: 409, meaning: 'Aborted' },
  OUT_OF_RANGE: { value: 11, httpStatus: 400, meaning: 'Out of range' },
  UNIMPLEMENTED: { value: 12, httpStatus: 501, meaning: 'Unimplemented' },
  INTERNAL: { value: 13, httpStatus: 500, meaning: 'Internal error' },
  UNAVAILABLE: { value: 14, httpStatus: 503, meaning: 'Service unavailable' },
  DATA_LOSS: { value: 15, httpStatus: 500, meaning: 'Data loss' },
  UNAUTHENTICATED: { value: 16, httpStatus: 401, meaning: 'Unauthenticated' },
} as const satisfies Record<string, { value: number; httpStatus: number; meaning: string }>;

export type GrpcStatusName = keyof typeof GRPC_STATUSES;

export function isGrpcStatusName(name: string): name is GrpcStatusName {
  return Object.prototype.hasOwnProperty.call(GRPC_STATUSES, name);
}

/** Is `name` a RocketMQ `Code` name? */
export function isRocketMQCode(name: string): name is RocketMQCode {
  return Object.prototype.hasOwnProperty.call(ROCKETMQ_CODES, name);
}
