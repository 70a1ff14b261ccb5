/**
 * The error codes an injected `error` may carry, per front, and how each front reads a code of
 * another protocol. Every front has its own vocabulary:
 * - `http` (MQ HTTP protocol): the `<Error>` codes (`InternalError`, `QpsLimitExceeded`, ...);
 * - `ons` (2017 ONS API): its `{code, info}` codes (`INTERNAL_ERROR`, `SC_BAD_REQUEST`, ...);
 * - `grpc` (RocketMQ 5): a RocketMQ `Code` name, answered in the response's `status` with gRPC OK
 *   as the proxy does (`TOO_MANY_REQUESTS`, `INTERNAL_SERVER_ERROR`, `PROXY_TIMEOUT`, ...), or a
 *   gRPC status name, which ends the call with that gRPC status (`UNAVAILABLE`, ...). Where a name
 *   is both (NOT_FOUND), it is the RocketMQ code.
 * The HTTP fronts also take a code of your own with an explicit status. A rule for one front must use
 * that front's codes; a rule without `front` may use any, and the `status` (400-599) bridges them:
 * a front meeting a code that is not its own answers its own code for that status.
 */
import { isMQErrorCode, MQ_ERRORS } from '../../protocol/index.js';
import type { MQErrorCode } from '../../protocol/index.js';
import { isOnsErrorCode, ONS_ERRORS } from '../../protocol/ons/index.js';
import {
  GRPC_STATUSES,
  isGrpcStatusName,
  isRocketMQCode,
  ROCKETMQ_CODES,
} from '../../protocol-grpc/index.js';
import type { RocketMQCode } from '../../protocol-grpc/index.js';
import { FaultRuleError, show } from './fault-rule.errors.js';
import type { FaultAction, FaultMatch } from './fault.types.js';

type ErrorAction = Extract<FaultAction, { kind: 'error' }>;

const CODE = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

/** Success codes of RocketMQ: not errors (MESSAGE_NOT_FOUND is allowed on a gRPC consume). */
const ROCKETMQ_SUCCESS: ReadonlySet<string> = new Set([
  'OK',
  'CODE_UNSPECIFIED',
  'MULTIPLE_RESULTS',
  'MESSAGE_NOT_FOUND',
]);

/** Which protocol a code belongs to (the first that has it), undefined for a code of your own. */
export function codeProtocol(code: string): 'http' | 'ons' | 'grpc' | undefined {
  if (isMQErrorCode(code)) return 'http';
  if (isOnsErrorCode(code)) return 'ons';
  if (isRocketMQCode(code) || isGrpcStatusName(code)) return 'grpc';
  return undefined;
}

/**
 * Checks an `error` action against the rule's front and fills in `status` and `message`. A gRPC-only
 * rule gets no `status` (the code is what the client sees).
 */
export function validateErrorAction(a: Record<string, unknown>, match: FaultMatch): ErrorAction {
  const code = a.code;
  if (typeof code !== 'string' || !CODE.test(code)) {
    throw new FaultRuleError(
      'action.code',
      `expected an error code such as "InternalError" or "QpsLimitExceeded", got ${show(code)}`,
    );
  }
  const message = a.message;
  if (message !== undefined && (typeof message !== 'string' || message === '')) {
    throw new FaultRuleError('action.message', `expected a non-empty string, got ${show(message)}`);
  }
  const front = match.front;
  if (front === 'grpc') return grpcError(code, a.status, message, match);
  const own = front === undefined ? codeProtocol(code) : ownCode(front, code);
  if (front !== undefined && own === undefined && codeProtocol(code) !== undefined) {
    throw new FaultRuleError('action.code', notOwnCode(front, code));
  }
  if (ROCKETMQ_SUCCESS.has(code) && codeProtocol(code) === 'grpc') {
    throw new FaultRuleError(
      'action.code',
      code === 'MESSAGE_NOT_FOUND'
        ? '"MESSAGE_NOT_FOUND" (an empty receive) needs match.front "grpc" and match.operation "consume"'
        : `"${code}" is a success code, not an error`,
    );
  }
  const known = own === undefined ? undefined : defaults(code);
  if (a.status === undefined && known === undefined) {
    throw new FaultRuleError(
      'action.status',
      `required for "${code}", which is not an error code of ${front === undefined ? 'any front' : `the ${front} front`}`,
    );
  }
  if (a.status === undefined && known !== undefined && known.status === undefined) {
    throw new FaultRuleError(
      'action.code',
      `"${code}" has no HTTP status to stand for it on the other fronts; give a status, or match.front "grpc"`,
    );
  }
  const status = a.status === undefined ? known!.status! : httpStatus(a.status);
  return {
    kind: 'error',
    code,
    status,
    message: message ?? known?.message ?? `Injected fault ${code}.`,
  };
}

/** Is `code` one of `front`'s own codes (its protocol's)? */
function ownCode(front: 'http' | 'ons', code: string): 'http' | 'ons' | undefined {
  if (front === 'http') return isMQErrorCode(code) ? 'http' : undefined;
  return isOnsErrorCode(code) ? 'ons' : undefined;
}

function notOwnCode(front: 'http' | 'ons', code: string): string {
  return front === 'http'
    ? `"${code}" is not an error code of the MQ HTTP protocol (use one such as InternalError, QpsLimitExceeded or MessageNotExist, or a code of your own with a status)`
    : `"${code}" is not an error code of the ONS API (use one such as INTERNAL_ERROR or SC_BAD_REQUEST, or a code of your own with a status)`;
}

function grpcError(
  code: string,
  status: unknown,
  message: string | undefined,
  match: FaultMatch,
): ErrorAction {
  if (!isRocketMQCode(code) && !isGrpcStatusName(code)) {
    throw new FaultRuleError(
      'action.code',
      `expected a RocketMQ Code name (e.g. INTERNAL_SERVER_ERROR, TOO_MANY_REQUESTS, PROXY_TIMEOUT) or a gRPC status name (e.g. UNAVAILABLE, DEADLINE_EXCEEDED) for the gRPC front, got ${show(code)}`,
    );
  }
  if (
    ROCKETMQ_SUCCESS.has(code) &&
    !(code === 'MESSAGE_NOT_FOUND' && match.operation === 'consume')
  ) {
    throw new FaultRuleError(
      'action.code',
      code === 'MESSAGE_NOT_FOUND'
        ? '"MESSAGE_NOT_FOUND" (an empty receive) needs match.operation "consume"'
        : `"${code}" is a success code, not an error`,
    );
  }
  if (status !== undefined) {
    throw new FaultRuleError(
      'action.status',
      'not used on the gRPC front: the code is what the client sees',
    );
  }
  return { kind: 'error', code, message: message ?? defaults(code)!.message };
}

/** A code's own status (400-599; undefined when it has none) and message. */
function defaults(code: string): { status: number | undefined; message: string } | undefined {
  if (isMQErrorCode(code)) return MQ_ERRORS[code];
  if (isOnsErrorCode(code))
    return { status: ONS_ERRORS[code].status, message: ONS_ERRORS[code].info };
  if (isRocketMQCode(code)) {
    // A RocketMQ code's value is its HTTP status times 100 (42900: 429), plus a variant.
    const status = Math.floor(ROCKETMQ_CODES[code].value / 100);
    return {
      status: status >= 400 && status <= 599 ? status : undefined,
      message: ROCKETMQ_CODES[code].meaning,
    };
  }
  if (isGrpcStatusName(code)) {
    const s = GRPC_STATUSES[code];
    return {
      status: s.httpStatus >= 400 && s.httpStatus <= 599 ? s.httpStatus : undefined,
      message: s.meaning,
    };
  }
  return undefined;
}

function httpStatus(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) {
    throw new FaultRuleError(
      'action.status',
      `expected an integer from 400 to 599, got ${show(value)}`,
    );
  }
  return value;
}

// ---- How each front reads a code that is not its own (rules without `front`) ----

/** The MQ HTTP code for an injected error: its own, one of your own, or one for its status. */
export function mqCodeFor(action: ErrorAction): { code: string; status: number } {
  const status = action.status ?? 500;
  const protocol = codeProtocol(action.code);
  if (protocol === 'http' || protocol === undefined) return { code: action.code, status };
  const code: MQErrorCode =
    status === 429 ? 'QpsLimitExceeded' : status >= 500 ? 'InternalError' : 'InvalidArgument';
  return { code, status };
}

/** The ONS code for an injected error: its own, one of your own, or one for its status. */
export function onsCodeFor(action: ErrorAction): { code: string; status: number } {
  const status = action.status ?? 500;
  const protocol = codeProtocol(action.code);
  if (isOnsErrorCode(action.code) || protocol === undefined) return { code: action.code, status };
  return { code: status >= 500 ? 'INTERNAL_ERROR' : 'SC_BAD_REQUEST', status };
}

/**
 * What the gRPC front answers for an injected error: a RocketMQ code in the response's status, or a
 * gRPC status that ends the call. A code of another front maps by its status: the RocketMQ code
 * whose value is status × 100 (429 → TOO_MANY_REQUESTS, 504 → PROXY_TIMEOUT, 403 → FORBIDDEN),
 * other 5xx → INTERNAL_SERVER_ERROR, other 4xx → BAD_REQUEST.
 */
export function grpcCodeFor(
  action: ErrorAction,
): { rocketmq: RocketMQCode } | { grpc: keyof typeof GRPC_STATUSES } {
  const code = action.code;
  if (isRocketMQCode(code)) return { rocketmq: code };
  if (isGrpcStatusName(code)) return { grpc: code };
  const status = action.status ?? 500;
  const exact = Object.entries(ROCKETMQ_CODES).find(([, info]) => info.value === status * 100);
  if (exact !== undefined && status !== 500) return { rocketmq: exact[0] as RocketMQCode };
  return { rocketmq: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' };
}
