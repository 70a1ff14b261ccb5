/**
 * Error codes of injected faults per front: which codes a rule may use (those of its front; any for
 * a rule without front), what is filled in, and how each front answers a code of another protocol.
 */
import { describe, expect, it } from '@jest/globals';
import { grpcCodeFor, mqCodeFor, onsCodeFor } from '../../../lib/emulator/faults/fault.codes.js';
import {
  FaultRuleError,
  validateFaultRule,
} from '../../../lib/emulator/faults/fault-rule.validate.js';
import { parseFaultRule } from '../../../lib/emulator/faults/fault-rule.parse.js';
import type { FaultAction, FaultMatch } from '../../../lib/emulator/faults/fault.types.js';

type ErrorAction = Extract<FaultAction, { kind: 'error' }>;
const error = (match: FaultMatch, action: Omit<ErrorAction, 'kind'>): ErrorAction =>
  validateFaultRule({ match, action: { kind: 'error', ...action } }).action as ErrorAction;

function refusal(match: FaultMatch, action: Record<string, unknown>): FaultRuleError {
  try {
    validateFaultRule({ match, action: { kind: 'error', ...action } });
  } catch (err) {
    expect(err).toBeInstanceOf(FaultRuleError);
    return err as FaultRuleError;
  }
  throw new Error('expected a refusal');
}

describe('error codes per front', () => {
  it('fills in status and message from the code of each protocol', () => {
    expect(error({ front: 'http' }, { code: 'QpsLimitExceeded' })).toEqual({
      kind: 'error',
      code: 'QpsLimitExceeded',
      status: 429,
      message: 'Qps limit exceeded.',
    });
    expect(error({ front: 'ons' }, { code: 'INTERNAL_ERROR' })).toMatchObject({ status: 500 });
    // gRPC rules carry no status: the code is what the client sees.
    expect(error({ front: 'grpc' }, { code: 'PROXY_TIMEOUT' })).toEqual({
      kind: 'error',
      code: 'PROXY_TIMEOUT',
      message: 'upstream timeout',
    });
    expect(error({ front: 'grpc' }, { code: 'UNAVAILABLE', message: 'down' })).toEqual({
      kind: 'error',
      code: 'UNAVAILABLE',
      message: 'down',
    });
    // Without front, any protocol's code; the status stands for it on the other fronts.
    expect(error({}, { code: 'TOO_MANY_REQUESTS' })).toMatchObject({ status: 429 });
    expect(error({}, { code: 'DEADLINE_EXCEEDED' })).toMatchObject({ status: 504 });
    expect(error({}, { code: 'SC_BAD_REQUEST' })).toMatchObject({ status: 400 });
    expect(error({ front: 'ons' }, { code: 'Mine', status: 418 })).toMatchObject({
      code: 'Mine',
      status: 418,
    });
  });

  it.each<[FaultMatch, Record<string, unknown>, string, RegExp]>([
    [
      { front: 'http' },
      { code: 'INTERNAL_ERROR' },
      'action.code',
      /not an error code of the MQ HTTP/,
    ],
    [{ front: 'http' }, { code: 'UNAVAILABLE', status: 503 }, 'action.code', /MQ HTTP/],
    [{ front: 'ons' }, { code: 'QpsLimitExceeded' }, 'action.code', /not an error code of the ONS/],
    [{ front: 'grpc' }, { code: 'InternalError' }, 'action.code', /RocketMQ Code name/],
    [{ front: 'grpc' }, { code: 'Mine', status: 500 }, 'action.code', /gRPC status name/],
    [{ front: 'grpc' }, { code: 'UNAVAILABLE', status: 503 }, 'action.status', /not used/],
    [{ front: 'grpc' }, { code: 'OK' }, 'action.code', /success code/],
    [{ front: 'grpc' }, { code: 'MULTIPLE_RESULTS' }, 'action.code', /success code/],
    [{ front: 'grpc' }, { code: 'MESSAGE_NOT_FOUND' }, 'action.code', /operation "consume"/],
    [{}, { code: 'MESSAGE_NOT_FOUND' }, 'action.code', /match.front "grpc"/],
    [{}, { code: 'FAILED_TO_CONSUME_MESSAGE' }, 'action.code', /no HTTP status/],
    [{ front: 'ons' }, { code: 'Mine' }, 'action.status', /required/],
  ])('refuses %j %j naming %s', (match, action, field, message) => {
    const err = refusal(match, action);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it('takes MESSAGE_NOT_FOUND for a gRPC consume (an empty receive), and FAILED_TO_CONSUME_MESSAGE on gRPC', () => {
    expect(error({ front: 'grpc', operation: 'consume' }, { code: 'MESSAGE_NOT_FOUND' }).code).toBe(
      'MESSAGE_NOT_FOUND',
    );
    expect(error({ front: 'grpc' }, { code: 'FAILED_TO_CONSUME_MESSAGE' }).code).toBe(
      'FAILED_TO_CONSUME_MESSAGE',
    );
  });

  it('reads the same from the command line', () => {
    expect(parseFaultRule('front=grpc,operation=ack,error=INVALID_RECEIPT_HANDLE').action).toEqual({
      kind: 'error',
      code: 'INVALID_RECEIPT_HANDLE',
      message: 'receipt handle invalid or expired',
    });
    expect(() => parseFaultRule('front=grpc,error=UNAVAILABLE:503')).toThrow('action.status');
  });
});

describe('each front answers a code of another protocol by its status', () => {
  it.each<
    [ErrorAction, { code: string; status: number }, { code: string; status: number }, object]
  >([
    [
      error({}, { code: 'InternalError', status: 503 }),
      { code: 'InternalError', status: 503 },
      { code: 'INTERNAL_ERROR', status: 503 },
      { rocketmq: 'INTERNAL_SERVER_ERROR' },
    ],
    [
      error({}, { code: 'QpsLimitExceeded' }),
      { code: 'QpsLimitExceeded', status: 429 },
      { code: 'SC_BAD_REQUEST', status: 429 },
      { rocketmq: 'TOO_MANY_REQUESTS' },
    ],
    [
      error({}, { code: 'UNAVAILABLE' }),
      { code: 'InternalError', status: 503 },
      { code: 'INTERNAL_ERROR', status: 503 },
      { grpc: 'UNAVAILABLE' },
    ],
    [
      error({}, { code: 'PROXY_TIMEOUT' }),
      { code: 'InternalError', status: 504 },
      { code: 'INTERNAL_ERROR', status: 504 },
      { rocketmq: 'PROXY_TIMEOUT' },
    ],
    [
      error({}, { code: 'NOT_FOUND' }),
      { code: 'InvalidArgument', status: 404 },
      { code: 'SC_BAD_REQUEST', status: 404 },
      { rocketmq: 'NOT_FOUND' },
    ],
    [
      error({}, { code: 'Throttled', status: 429 }),
      { code: 'Throttled', status: 429 },
      { code: 'Throttled', status: 429 },
      { rocketmq: 'TOO_MANY_REQUESTS' },
    ],
    [
      error({}, { code: 'Gateway', status: 504 }),
      { code: 'Gateway', status: 504 },
      { code: 'Gateway', status: 504 },
      { rocketmq: 'PROXY_TIMEOUT' },
    ],
    [
      error({}, { code: 'Teapot', status: 418 }),
      { code: 'Teapot', status: 418 },
      { code: 'Teapot', status: 418 },
      { rocketmq: 'BAD_REQUEST' },
    ],
  ])('%j → MQ %j, ONS %j, gRPC %j', (action, mq, ons, grpc) => {
    expect(mqCodeFor(action)).toEqual(mq);
    expect(onsCodeFor(action)).toEqual(ons);
    expect(grpcCodeFor(action)).toEqual(grpc);
  });
});
