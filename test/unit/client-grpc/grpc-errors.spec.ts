import { describe, expect, it } from '@jest/globals';
import {
  MQAbortError,
  MQNetworkError,
  MQServiceError,
  MQTimeoutError,
} from '../../../lib/client/index.js';
import {
  grpcError,
  isConfigurationCode,
  serviceError,
} from '../../../lib/client-grpc/grpc.errors.js';

const ctx = { operation: 'SendMessage', requestId: 'r-1', endpoint: 'host:8081' };

describe('RocketMQ 5 errors', () => {
  it.each([
    ['TOPIC_NOT_FOUND', 404, false, true],
    ['UNAUTHORIZED', 401, false, true],
    ['TOO_MANY_REQUESTS', 429, true, false],
    ['PROXY_TIMEOUT', 504, true, false],
    ['INTERNAL_SERVER_ERROR', 500, true, false],
    ['INVALID_RECEIPT_HANDLE', 400, false, false],
    ['MESSAGE_BODY_TOO_LARGE', 413, false, false],
  ])(
    'a %s status: HTTP-like %i, retryable %s, configuration %s',
    (code, status, retryable, config) => {
      const error = serviceError({ code: code as never, message: 'why' }, ctx);
      expect(error).toBeInstanceOf(MQServiceError);
      expect(error).toMatchObject({
        code,
        status,
        retryable,
        requestId: 'r-1',
        hostId: 'host:8081',
      });
      expect(error.message).toBe(`SendMessage failed with ${code}: why`);
      expect(isConfigurationCode(code)).toBe(config);
    },
  );

  it('a code this copy of the protocol does not know keeps its number', () => {
    const error = serviceError({ code: 47001 }, ctx);
    expect(error).toMatchObject({ code: 'CODE_47001', status: 470, retryable: false });
  });

  it('maps gRPC statuses: deadline, unavailable, cancel, and the rest as GRPC_ codes', () => {
    expect(grpcError({ code: 4, details: 'Deadline exceeded' }, ctx, false)).toBeInstanceOf(
      MQTimeoutError,
    );
    const down = grpcError({ code: 14, details: 'ECONNREFUSED' }, ctx, false);
    expect(down).toBeInstanceOf(MQNetworkError);
    expect(down).not.toBeInstanceOf(MQTimeoutError);
    expect(grpcError({ code: 1 }, ctx, false)).toBeInstanceOf(MQAbortError);
    // Our own abort wins whatever status the cancelled call reports.
    expect(grpcError({ code: 13 }, ctx, true)).toBeInstanceOf(MQAbortError);
    const unimplemented = grpcError({ code: 12, details: 'no such method' }, ctx, false);
    expect(unimplemented).toMatchObject({ code: 'GRPC_UNIMPLEMENTED', retryable: false });
    expect(isConfigurationCode('GRPC_UNIMPLEMENTED')).toBe(true);
    expect(grpcError({ code: 13 }, ctx, false)).toMatchObject({
      code: 'GRPC_INTERNAL',
      retryable: true,
    });
  });
});
