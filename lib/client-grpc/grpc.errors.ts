/**
 * RocketMQ 5 failures as the package's `MQError` family. A proxy reports a failed request inside
 * the response (`status.code`, gRPC status OK): that becomes `MQServiceError` with the RocketMQ
 * `Code` name as `code` (e.g. `TOPIC_NOT_FOUND`) and `status` its HTTP-like class (40402 → 404).
 * A gRPC status other than OK is a transport-level failure: unreachable/reset → `MQNetworkError`,
 * deadline → `MQTimeoutError`, our own cancel → `MQAbortError`, anything else → `MQServiceError`
 * with code `GRPC_<STATUS>`. Messages never carry credentials or metadata.
 */
import {
  MQAbortError,
  MQInvalidArgumentError,
  MQNetworkError,
  MQServiceError,
  MQTimeoutError,
  type MQError,
} from '../client/client.errors.js';
import { codeName, ROCKETMQ_CODES, type RocketMQCode } from '../protocol-grpc/grpc.status.js';
import type { Status } from '../protocol-grpc/grpc.types.js';

/** gRPC status codes (grpc-js `status`), by number, so this file does not load gRPC. */
const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** Proxy codes worth retrying: throttling, timeouts and 5xx-like conditions. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set<RocketMQCode>([
  'TOO_MANY_REQUESTS',
  'REQUEST_TIMEOUT',
  'INTERNAL_ERROR',
  'INTERNAL_SERVER_ERROR',
  'HA_NOT_AVAILABLE',
  'PROXY_TIMEOUT',
  'MASTER_PERSISTENCE_TIMEOUT',
  'SLAVE_PERSISTENCE_TIMEOUT',
]);

/** gRPC statuses worth retrying (the call may not have reached the proxy, or the proxy faltered). */
const RETRYABLE_GRPC: ReadonlySet<string> = new Set([
  'GRPC_UNKNOWN',
  'GRPC_RESOURCE_EXHAUSTED',
  'GRPC_ABORTED',
  'GRPC_INTERNAL',
  'GRPC_DATA_LOSS',
]);

/**
 * Failures retrying cannot fix: credentials, permissions, missing topic or group, malformed
 * requests, features the server lacks. Consumers that meet one turn unhealthy.
 */
export const CONFIGURATION_CODES: ReadonlySet<string> = new Set<string>([
  'BAD_REQUEST',
  'ILLEGAL_ACCESS_POINT',
  'ILLEGAL_TOPIC',
  'ILLEGAL_CONSUMER_GROUP',
  'ILLEGAL_FILTER_EXPRESSION',
  'ILLEGAL_INVISIBLE_TIME',
  'ILLEGAL_POLLING_TIME',
  'UNRECOGNIZED_CLIENT_TYPE',
  'CLIENT_ID_REQUIRED',
  'UNAUTHORIZED',
  'PAYMENT_REQUIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'TOPIC_NOT_FOUND',
  'CONSUMER_GROUP_NOT_FOUND',
  'NOT_IMPLEMENTED',
  'UNSUPPORTED',
  'VERSION_UNSUPPORTED',
  'GRPC_INVALID_ARGUMENT',
  'GRPC_NOT_FOUND',
  'GRPC_PERMISSION_DENIED',
  'GRPC_UNIMPLEMENTED',
  'GRPC_UNAUTHENTICATED',
  'GRPC_FAILED_PRECONDITION',
]);

export interface CallContext {
  /** e.g. `SendMessage`. */
  operation: string;
  /** The x-mq-request-id sent. */
  requestId: string;
  /** host:port, as `hostId` of service errors. */
  endpoint: string;
}

/** The name of a status code as received (a number when this copy of the protocol lacks it). */
export function statusCodeName(status: Status | null | undefined): string {
  const code = status?.code;
  return codeName(code) ?? (typeof code === 'number' ? `CODE_${code}` : 'CODE_UNSPECIFIED');
}

/** An `MQServiceError` for a non-success RocketMQ status. */
export function serviceError(status: Status | null | undefined, ctx: CallContext): MQServiceError {
  const name = statusCodeName(status);
  const known = ROCKETMQ_CODES[name as RocketMQCode];
  const value =
    known !== undefined ? known.value : typeof status?.code === 'number' ? status.code : 0;
  const detail = status?.message ? `: ${status.message}` : '';
  return new MQServiceError({
    code: name,
    status: Math.floor(value / 100),
    message: `${ctx.operation} failed with ${name}${detail}`,
    requestId: ctx.requestId,
    hostId: ctx.endpoint,
    retryable: RETRYABLE_CODES.has(name),
  });
}

/** A gRPC-level failure (status other than OK) of a call. */
export function grpcError(
  error: { code?: number; details?: string; message?: string },
  ctx: CallContext,
  aborted: boolean,
): MQError {
  const code = typeof error.code === 'number' ? error.code : 2;
  const details = error.details || error.message || '';
  if (aborted || code === GRPC_CANCELLED) {
    return new MQAbortError(`${ctx.operation} was aborted`, error);
  }
  if (code === GRPC_DEADLINE_EXCEEDED) {
    return new MQTimeoutError(`${ctx.operation} to ${ctx.endpoint} timed out (${details})`, error);
  }
  if (code === GRPC_UNAVAILABLE) {
    return new MQNetworkError(`${ctx.operation} to ${ctx.endpoint} failed: ${details}`, error);
  }
  const name = `GRPC_${GRPC_STATUS_NAMES[code] ?? String(code)}`;
  return new MQServiceError({
    code: name,
    status: 0,
    message: `${ctx.operation} failed with gRPC status ${name.slice(5)}${details ? `: ${details}` : ''}`,
    requestId: ctx.requestId,
    hostId: ctx.endpoint,
    retryable: RETRYABLE_GRPC.has(name),
  });
}

export function isConfigurationCode(code: string): boolean {
  return CONFIGURATION_CODES.has(code);
}

/** What every call of a closed client rejects with (a configuration error: nothing to retry). */
export function closedError(): MQInvalidArgumentError {
  return new MQInvalidArgumentError('client', 'the RocketMQ 5 client is closed');
}
