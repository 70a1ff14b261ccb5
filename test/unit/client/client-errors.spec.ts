import { describe, expect, it } from '@jest/globals';
import {
  MQAbortError,
  MQError,
  MQInvalidArgumentError,
  MQNetworkError,
  MQProtocolError,
  MQServiceError,
  MQTimeoutError,
} from '../../../lib/client/index.js';
import { toClientError } from '../../../lib/client/http.transport.js';

function coded(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('client errors', () => {
  it('every class is an MQError with a stable name and retryable flag', () => {
    const service = new MQServiceError({
      code: 'QpsLimitExceeded',
      status: 429,
      message: 'slow down',
      requestId: 'R',
      hostId: 'H',
      retryable: true,
    });
    const cases: Array<[MQError, string, boolean]> = [
      [service, 'MQServiceError', true],
      [new MQNetworkError('x'), 'MQNetworkError', true],
      [new MQTimeoutError('x'), 'MQTimeoutError', true],
      [new MQAbortError(), 'AbortError', false],
      [new MQProtocolError({ message: 'x', status: 200, snippet: '' }), 'MQProtocolError', false],
      [new MQInvalidArgumentError('topic', 'bad'), 'MQInvalidArgumentError', false],
    ];
    for (const [err, name, retryable] of cases) {
      expect(err).toBeInstanceOf(MQError);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
      expect(err.retryable).toBe(retryable);
    }
    expect(new MQTimeoutError('x')).toBeInstanceOf(MQNetworkError);
    expect(new MQInvalidArgumentError('topic', 'bad').message).toBe('topic: bad');
  });

  it('maps undici/socket failures by code', () => {
    for (const code of [
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
      'UND_ERR_CONNECT_TIMEOUT',
    ]) {
      const err = toClientError(coded(code), 'publish to topic T', 250);
      expect(err).toBeInstanceOf(MQTimeoutError);
      expect(err.message).toBe(`publish to topic T: no response within 250 ms (${code})`);
      expect((err as MQTimeoutError).cause).toBeInstanceOf(Error);
    }
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'EPIPE']) {
      const err = toClientError(coded(code, 'socket hang up'), 'ack on topic T', 1);
      expect(err).toBeInstanceOf(MQNetworkError);
      expect(err).not.toBeInstanceOf(MQTimeoutError);
      expect(err.message).toBe(`ack on topic T: network error: socket hang up (${code})`);
    }
    const invalid = toClientError(coded('UND_ERR_INVALID_ARG', 'invalid x header'), 'op', 1);
    expect(invalid).toBeInstanceOf(MQInvalidArgumentError);
    expect(toClientError('weird', 'op', 1)).toBeInstanceOf(MQNetworkError);
    const mine = new MQAbortError();
    expect(toClientError(mine, 'op', 1)).toBe(mine);
  });
});
