/**
 * Runs a call under a retry policy: retryable failures only, bounded attempts, exponential backoff
 * with jitter, the whole within the policy's budget, honouring the caller's AbortSignal. The first
 * attempt costs one extra promise (`catch`), nothing more: the retry machinery starts on failure.
 */
import { MQAbortError } from '../../transport/index.js';
import { isRetryable, retryDelay, type ResolvedRetryPolicy } from './retry.policy.js';

/** One attempt, with the deadline it may use (what is left of the budget, in ms). */
export type RetryableCall<T> = (timeoutMs: number) => Promise<T>;

export interface RetryObserver {
  /** Called before each retry with the error of the attempt that failed. */
  onRetry?(error: unknown, retry: number, delayMs: number): void;
  /** Jitter source in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
}

/** Resolves with the first success; rejects with the last error when retrying is over. */
export function callWithRetry<T>(
  call: RetryableCall<T>,
  policy: ResolvedRetryPolicy,
  signal: AbortSignal | undefined,
  observer: RetryObserver = {},
): Promise<T> {
  const deadlineAt = performance.now() + policy.deadlineMs;
  return call(policy.deadlineMs).catch((error: unknown) =>
    retryAfter(error, call, policy, signal, deadlineAt, observer),
  );
}

async function retryAfter<T>(
  firstError: unknown,
  call: RetryableCall<T>,
  policy: ResolvedRetryPolicy,
  signal: AbortSignal | undefined,
  deadlineAt: number,
  observer: RetryObserver,
): Promise<T> {
  const random = observer.random ?? Math.random;
  let error = firstError;
  for (let retry = 1; ; retry++) {
    if (!isRetryable(error) || retry >= policy.maxAttempts) throw error;
    const delay = retryDelay(policy, retry, random);
    // No time left for an attempt after the wait: the last error is the answer.
    if (performance.now() + delay >= deadlineAt) throw error;
    observer.onRetry?.(error, retry, delay);
    await abortableDelay(delay, signal);
    try {
      return await call(deadlineAt - performance.now());
    } catch (next) {
      error = next;
    }
  }
}

/** Resolves after `ms`; rejects with MQAbortError as soon as `signal` aborts. */
function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): MQAbortError {
  return new MQAbortError('publish: aborted while waiting to retry', signal.reason);
}
