/**
 * Retry policy of `MQProducer`: module option `publishRetry`, per call `retry` (publish and
 * publishTransactional). Only errors with `retryable: true` are retried (network errors, timeouts,
 * 5xx, throttling); bad arguments, auth errors and aborts never are.
 */
export interface MQRetryOptions {
  /** Attempts in all, the first included (default 3; 1 = never retry). */
  maxAttempts?: number;
  /** Wait before the first retry in ms (default 100); doubles on each further retry, with jitter. */
  initialDelayMs?: number;
  /** Longest wait between two attempts in ms (default 2 000). */
  maxDelayMs?: number;
  /**
   * Budget of the whole call in ms, attempts and waits together (default 20 000): no attempt starts
   * or runs past it (each attempt's deadline is what is left of it, at most the client's own).
   */
  deadlineMs?: number;
}
