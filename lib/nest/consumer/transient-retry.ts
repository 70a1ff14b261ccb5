/**
 * Retries a short call (ack, commit, rollback) after retryable failures — network errors, throttling,
 * 5xx — with a short jittered exponential delay, for as long as retrying can still help: a receipt
 * handle is only valid until its NextConsumeTime, so past that a retry can only fail; and while the
 * consumer stops, nothing runs past the shutdown's deadline.
 *
 * It also remembers whether an attempt that failed may nevertheless have acted (its answer was
 * lost: network error, timeout, 5xx), so that a retry answered "this handle is gone" is reported as
 * what it most likely is — done by that earlier attempt — and not as a failure.
 */
import { MQTimeoutError } from '../../transport/index.js';
import { isRetryable, mayHaveActed } from '../retry/retry.policy.js';
import { sleep } from './poll-backoff.js';

/**
 * A retry is only sent while the handle has at least this long to live. Then a retry told the
 * handle is gone means it was used (by an earlier attempt whose answer was lost), not that it
 * expired on the way: the "presumed done" report rests on that (clocks of client and broker agree
 * far better than this).
 */
const EXPIRY_MARGIN_MS = 1_000;

export interface TransientRetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry; doubles each time (half fixed, half jitter). */
  initialDelayMs: number;
  random: () => number;
}

/** How a retried call ended: a value or the last error, and whether an attempt may have acted. */
export interface TransientOutcome<T> {
  value?: T;
  /** Set when the call failed for good (then `value` is undefined). */
  error?: unknown;
  /** An attempt failed in a way that may have acted on the broker (its answer was lost). */
  uncertain: boolean;
}

/**
 * Never rejects. Stops retrying once retries are spent, the error is final, the handle would have
 * less than EXPIRY_MARGIN_MS to live at the next attempt (`validUntil`: epoch ms, the handle's
 * NextConsumeTime), or the next attempt would start past `deadlineAt`
 * (monotonic ms, Infinity = none); each attempt gets what is left before `deadlineAt`.
 */
export async function withTransientRetry<T>(
  call: (timeoutMs: number | undefined) => Promise<T>,
  policy: TransientRetryPolicy,
  validUntil: number,
  deadlineAt = Infinity,
): Promise<TransientOutcome<T>> {
  let uncertain = false;
  for (let attempt = 0; ; attempt++) {
    let timeoutMs: number | undefined;
    if (deadlineAt !== Infinity) {
      timeoutMs = deadlineAt - performance.now();
      if (timeoutMs <= 0) {
        const error = new MQTimeoutError('the shutdown deadline passed before it could be sent');
        return { error, uncertain };
      }
    }
    try {
      return { value: await call(timeoutMs), uncertain };
    } catch (error) {
      if (mayHaveActed(error)) uncertain = true;
      if (!isRetryable(error) || attempt >= policy.retries) return { error, uncertain };
      const ceiling = policy.initialDelayMs * 2 ** attempt;
      const delay = ceiling / 2 + Math.round((policy.random() * ceiling) / 2);
      if (Date.now() + delay + EXPIRY_MARGIN_MS >= validUntil) return { error, uncertain };
      if (performance.now() + delay >= deadlineAt) return { error, uncertain };
      await sleep(delay);
    }
  }
}
