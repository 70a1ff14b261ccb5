/**
 * Time source of the broker. Every deadline (redelivery, timer messages, transaction checks,
 * retention) runs on a Clock so tests can replace five minutes or three days with `advance()`.
 */
import { MinHeap } from '../broker/min-heap.js';

export interface Clock {
  now(): number;
  /** Calls fn once when now() >= at. Returns a cancel function. */
  schedule(at: number, fn: () => void): () => void;
}

/** setTimeout's delay is a signed 32-bit int; longer delays fire immediately, so we re-arm in steps. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Wall-clock time. Timers are unref'd so an idle broker never keeps the process alive. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(at: number, fn: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      const delay = at - Date.now();
      if (delay <= 0) {
        timer = undefined;
        fn();
        return;
      }
      timer = setTimeout(
        () => {
          if (!cancelled) arm();
        },
        Math.min(delay, MAX_TIMER_DELAY_MS),
      );
      timer.unref();
    };
    // Never call fn synchronously from schedule(): callers may still be mid-update.
    timer = setTimeout(
      () => {
        if (!cancelled) arm();
      },
      Math.max(0, Math.min(at - Date.now(), MAX_TIMER_DELAY_MS)),
    );
    timer.unref();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }
}

interface VirtualTask {
  fn: () => void;
  cancelled: boolean;
}

/** Time that moves only when told to. advance()/setTime() fire everything due, in time order. */
export class VirtualClock implements Clock {
  private current: number;
  private readonly tasks = new MinHeap<VirtualTask>();
  private firing = false;
  /** Where the running advance()/setTime() stops (raised by calls made from callbacks). */
  private target = 0;

  constructor(start: number) {
    if (!Number.isFinite(start)) {
      throw new RangeError(`VirtualClock: start must be a finite epoch time in ms, got ${start}`);
    }
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, fn: () => void): () => void {
    const task: VirtualTask = { fn, cancelled: false };
    this.tasks.push(at, task);
    return () => {
      task.cancelled = true;
    };
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`VirtualClock.advance: ms must be a finite number >= 0, got ${ms}`);
    }
    this.setTime(this.current + ms);
  }

  setTime(ms: number): void {
    if (!Number.isFinite(ms)) {
      throw new RangeError(`VirtualClock.setTime: time must be a finite epoch ms, got ${ms}`);
    }
    if (ms < this.current) {
      throw new RangeError(
        `VirtualClock.setTime: time cannot go backwards (now ${this.current}, asked ${ms})`,
      );
    }
    if (this.firing) {
      // Called from inside a callback: raise the target; the outer loop keeps firing up to it.
      this.target = Math.max(this.target, ms);
      return;
    }
    this.firing = true;
    this.target = ms;
    try {
      // Step through each due instant so callbacks observe now() equal to their own due time.
      for (;;) {
        const at = this.tasks.peekKey();
        if (at === undefined || at > this.target) break;
        const task = this.tasks.pop()!;
        if (task.cancelled) continue;
        if (at > this.current) this.current = at;
        task.fn();
      }
      this.current = this.target;
    } finally {
      this.firing = false;
    }
  }
}
