/**
 * Retry policies of the producer: defaults, validation (errors name the option) and the delay
 * before each retry. Protocol-independent: it relies only on `MQError.retryable`.
 */
import { MQError, MQNetworkError, MQServiceError } from '../../transport/index.js';
import type { MQRetryOptions } from '../interfaces/mq-retry-options.interface.js';
import { isInt } from '../options/option.checks.js';

export interface ResolvedRetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  deadlineMs: number;
}

export const RETRY_DEFAULTS: Readonly<ResolvedRetryPolicy> = {
  maxAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
  deadlineMs: 20_000,
};

const KNOWN = new Set<string>(['maxAttempts', 'initialDelayMs', 'maxDelayMs', 'deadlineMs']);

/**
 * `false` → undefined (no retries); `undefined` → `base`; an object → its fields over `base`.
 * `fail(option, problem)` throws; `option` is the name used in its messages (e.g. `publishRetry`).
 */
export function resolveRetryPolicy(
  raw: MQRetryOptions | false | undefined,
  base: ResolvedRetryPolicy | undefined,
  option: string,
  fail: (option: string, problem: string) => never,
): ResolvedRetryPolicy | undefined {
  if (raw === undefined) return base;
  if (raw === false) return undefined;
  if (raw === null || typeof raw !== 'object') {
    return fail(
      option,
      'must be false or an object { maxAttempts, initialDelayMs, maxDelayMs, deadlineMs }',
    );
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key)) fail(`${option}.${key}`, 'is not a known option');
  }
  const from = base ?? RETRY_DEFAULTS;
  const policy: ResolvedRetryPolicy = {
    maxAttempts: raw.maxAttempts ?? from.maxAttempts,
    initialDelayMs: raw.initialDelayMs ?? from.initialDelayMs,
    maxDelayMs: raw.maxDelayMs ?? from.maxDelayMs,
    deadlineMs: raw.deadlineMs ?? from.deadlineMs,
  };
  if (!isInt(policy.maxAttempts, 1, 100)) {
    fail(`${option}.maxAttempts`, 'must be an integer from 1 to 100');
  }
  if (!isInt(policy.initialDelayMs, 0, 600_000)) {
    fail(`${option}.initialDelayMs`, 'must be an integer number of ms from 0 to 600000');
  }
  if (!isInt(policy.maxDelayMs, policy.initialDelayMs, 600_000)) {
    fail(`${option}.maxDelayMs`, 'must be an integer number of ms from initialDelayMs to 600000');
  }
  if (!isInt(policy.deadlineMs, 1, 3_600_000)) {
    fail(`${option}.deadlineMs`, 'must be an integer number of ms from 1 to 3600000');
  }
  return policy;
}

/**
 * Wait before retry number `retry` (1 = the first retry): exponential, capped, half of it jitter
 * ("equal jitter"), so that callers failing together spread out without ever retrying at once.
 */
export function retryDelay(
  policy: ResolvedRetryPolicy,
  retry: number,
  random: () => number,
): number {
  const exp = policy.initialDelayMs * 2 ** (retry - 1);
  const ceiling = exp < policy.maxDelayMs ? exp : policy.maxDelayMs;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Worth another attempt: the error says so (network, timeout, 5xx, throttling). */
export function isRetryable(error: unknown): boolean {
  return error instanceof MQError && error.retryable;
}

/**
 * The failed call may nevertheless have acted on the server: the request may have arrived and
 * only its answer was lost (a network error or timeout after sending, or a 5xx from a server that
 * may have failed after acting). Throttling and 4xx answers mean it did not act.
 */
export function mayHaveActed(error: unknown): boolean {
  if (error instanceof MQNetworkError) return true;
  return error instanceof MQServiceError && error.status >= 500;
}
