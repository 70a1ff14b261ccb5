/** Retry policy resolution (defaults, overrides, `false`, errors naming the option) and delays. */
import { describe, expect, it } from '@jest/globals';
import {
  MQNetworkError,
  MQServiceError,
  MQTimeoutError,
} from '../../../lib/client/client.errors.js';
import {
  RETRY_DEFAULTS,
  mayHaveActed,
  resolveRetryPolicy,
  retryDelay,
} from '../../../lib/nest/retry/retry.policy.js';

const fail = (option: string, problem: string): never => {
  throw new Error(`${option} ${problem}`);
};

function service(status: number, code: string): MQServiceError {
  return new MQServiceError({
    code,
    status,
    message: code,
    requestId: '',
    hostId: '',
    retryable: true,
  });
}

describe('retry policy', () => {
  it('undefined keeps the base, false turns retries off, an object overrides field by field', () => {
    expect(resolveRetryPolicy(undefined, RETRY_DEFAULTS, 'publishRetry', fail)).toBe(
      RETRY_DEFAULTS,
    );
    expect(resolveRetryPolicy(false, RETRY_DEFAULTS, 'publishRetry', fail)).toBeUndefined();
    expect(resolveRetryPolicy({ maxAttempts: 5 }, undefined, 'options.retry', fail)).toEqual({
      ...RETRY_DEFAULTS,
      maxAttempts: 5,
    });
    const base = { ...RETRY_DEFAULTS, deadlineMs: 1_000 };
    expect(resolveRetryPolicy({ initialDelayMs: 10 }, base, 'options.retry', fail)).toEqual({
      ...base,
      initialDelayMs: 10,
    });
  });

  it.each([
    [true, 'publishRetry must be false or an object'],
    [{ maxAttempts: 1.5 }, 'publishRetry.maxAttempts must be an integer from 1 to 100'],
    [{ initialDelayMs: -1 }, 'publishRetry.initialDelayMs must be'],
    [{ initialDelayMs: 300, maxDelayMs: 200 }, 'publishRetry.maxDelayMs must be'],
    [{ deadlineMs: Infinity }, 'publishRetry.deadlineMs must be'],
    [{ attempts: 3 }, 'publishRetry.attempts is not a known option'],
  ])('%j fails naming the option', (raw, message) => {
    expect(() => resolveRetryPolicy(raw as never, RETRY_DEFAULTS, 'publishRetry', fail)).toThrow(
      message,
    );
  });

  it('delays grow exponentially up to the cap, half of each random', () => {
    const policy = { ...RETRY_DEFAULTS, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(policy, n, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(policy, n, () => 0.999999))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('an attempt may have acted when its answer was lost: network, timeout, 5xx', () => {
    expect(mayHaveActed(new MQNetworkError('reset'))).toBe(true);
    expect(mayHaveActed(new MQTimeoutError('late'))).toBe(true);
    expect(mayHaveActed(service(503, 'InternalError'))).toBe(true);
    expect(mayHaveActed(service(429, 'QpsLimitExceeded'))).toBe(false);
    expect(mayHaveActed(service(404, 'MessageNotExist'))).toBe(false);
    expect(mayHaveActed(new Error('other'))).toBe(false);
  });
});
