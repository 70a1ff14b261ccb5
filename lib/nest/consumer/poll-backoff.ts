/**
 * How a poll loop reacts to failed polls: which errors are transient (back off with full jitter)
 * and which mean the consumer is misconfigured (unhealthy, long backoff), plus an abortable sleep.
 */
import { MQInvalidArgumentError, MQServiceError } from '../../client/client.errors.js';

/**
 * Server codes that no amount of retrying fixes: credentials, permissions, clock skew, missing
 * resources, bad parameters. Polling fast on them only produces log noise and bills requests.
 */
const UNHEALTHY_CODES: ReadonlySet<string> = new Set([
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AccessDenied',
  'TopicNotExist',
  'SubscriptionNotExist',
  'InvalidArgument',
  'TimeExpired',
  'MissingAuthorizationHeader',
  'InvalidAuthorizationHeader',
  'HTTPForbidden',
  // A Date header the server refuses is a clock or client defect, not a passing condition.
  'MissingDateHeader',
  'InvalidDateHeader',
]);

export type PollErrorKind = 'transient' | 'unhealthy';

/**
 * Network errors carry no server code, so this never assumes one (the official sample's
 * `e.Code.indexOf` crash). Anything unknown is treated as transient: backing off is always safe.
 */
export function classifyPollError(error: unknown): PollErrorKind {
  if (error instanceof MQServiceError) {
    return UNHEALTHY_CODES.has(error.code) ? 'unhealthy' : 'transient';
  }
  // Rejected before sending (bad tag, closed client): a configuration problem.
  if (error instanceof MQInvalidArgumentError) return 'unhealthy';
  return 'transient';
}

/** Exponential backoff with full jitter: delay = random() × min(max, initial × 2^n). */
export class PollBackoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number,
  ) {
    if (!(initialMs > 0)) throw new RangeError(`backoff.initialMs must be > 0, got ${initialMs}`);
    if (!(maxMs >= initialMs)) {
      throw new RangeError(`backoff.maxMs must be >= backoff.initialMs, got ${maxMs}`);
    }
  }

  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    if (ceiling < this.maxMs) this.attempt++;
    return Math.round(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Turns anything thrown into an Error for events (which are typed `error: Error`). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
