/**
 * Backoff of a poll loop after transient errors, plus an abortable sleep. Which errors mean a
 * misconfigured consumer (unhealthy, long backoff) the transport says.
 */

/**
 * Exponential backoff with "equal jitter": delay = c/2 + random() × c/2, c = min(max, initial × 2^n).
 * Half of each wait is fixed, so consumers failing together spread out without any of them probing
 * a server that is down in a tight loop; the cap keeps the wait short enough to resume soon after
 * the server is back (each wait ends with one cheap probe).
 */
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
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
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
