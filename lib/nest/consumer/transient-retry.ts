/**
 * Retries a short call (ack, commit, rollback) after retryable failures — network errors, throttling,
 * 5xx — with a short jittered exponential delay, for as long as retrying can still help: a receipt
 * handle is only valid until its NextConsumeTime, so past that a retry can only fail.
 */
import { MQError } from '../../transport/index.js';
import { sleep } from './poll-backoff.js';

export interface TransientRetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry; doubles each time (half fixed, half jitter). */
  initialDelayMs: number;
  random: () => number;
}

/** Rejects with the last error once retries are spent, the error is final, or `validUntil` passed. */
export async function withTransientRetry<T>(
  call: () => Promise<T>,
  policy: TransientRetryPolicy,
  validUntil: number,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const retryable = error instanceof MQError && error.retryable;
      if (!retryable || attempt >= policy.retries || Date.now() >= validUntil) throw error;
      const ceiling = policy.initialDelayMs * 2 ** attempt;
      await sleep(ceiling / 2 + Math.round((policy.random() * ceiling) / 2));
    }
  }
}
