/**
 * When a session reopens its broken Telemetry stream: at once, then after 1 s doubling to 30 s; a
 * stream that had lived 30 s was healthy, so its break is retried at once again. One schedule per
 * session; its timer is unref'd, so a reconnecting client never holds the process open.
 */

/** Reconnects of a broken Telemetry stream: at once, then after 1 s doubling to 30 s. */
const RECONNECT_INITIAL_MS = 0;
const RECONNECT_FIRST_BACKOFF_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
/** A stream that lived this long was healthy: when it breaks, reconnect at once again. */
const STABLE_STREAM_MS = 30_000;

export class ReconnectSchedule {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delay = RECONNECT_INITIAL_MS;
  private streamOpenedAt = 0;
  private stopped = false;

  /** `reconnect`: one attempt; it calls retry() when the attempt fails before a stream exists. */
  constructor(private readonly reconnect: () => void) {}

  /** A new stream is open (its age decides how the next break is retried). */
  opened(): void {
    this.streamOpenedAt = Date.now();
  }

  /** The stream broke: at once if it had been healthy for a while, else after the backoff. */
  broke(): void {
    if (Date.now() - this.streamOpenedAt >= STABLE_STREAM_MS) this.delay = RECONNECT_INITIAL_MS;
    this.schedule(this.delay);
  }

  /** An attempt failed before a stream existed: try again after the backoff. */
  retry(): void {
    this.schedule(this.delay);
  }

  /** The proxy asked to reconnect: at once. */
  now(): void {
    this.schedule(0);
  }

  /** The session is closed: no attempt runs any more. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Runs one attempt after `delayMs` unless one is already scheduled. */
  private schedule(delayMs: number): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.reconnect();
    }, delayMs);
    this.timer.unref();
    this.delay =
      delayMs === 0 ? RECONNECT_FIRST_BACKOFF_MS : Math.min(RECONNECT_MAX_MS, delayMs * 2);
  }
}
