/**
 * One real-time timer for every parked long poll. Waiters sit in a min-heap by deadline; the single
 * setTimeout is armed for the earliest one. Waiters settled early (a message arrived, or abort) are
 * skipped when they reach the top, and dropped in bulk once they are the majority, so a burst of
 * answered polls does not stay in memory until their original deadlines.
 * Real time on purpose: HTTP clients time out in real time even when the broker's clock is virtual.
 */
import { MinHeap } from './min-heap.js';
import type { Waiter } from './broker.state.js';

/** Below this many settled entries the heap is left alone (a rebuild is O(n)). */
const STALE_REBUILD_MIN = 1024;

export class WaitDeadlines {
  private readonly heap = new MinHeap<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  /** Waiters in the heap that were settled before their deadline. */
  private stale = 0;
  private firing = false;

  constructor(private readonly onDeadline: (w: Waiter) => void) {}

  /** Entries held, settled ones not yet dropped included. */
  get size(): number {
    return this.heap.size;
  }

  add(w: Waiter): void {
    this.heap.push(w.deadline, w);
    if (w.deadline < this.armedAt) this.arm();
  }

  /** A waiter was settled before its deadline (messages, abort, close). */
  noteSettled(): void {
    if (this.firing) return;
    if (++this.stale < STALE_REBUILD_MIN || this.stale * 2 < this.heap.size) return;
    this.stale = 0;
    this.heap.retain((w) => !w.settled);
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
    this.stale = 0;
    this.heap.clear();
  }

  private arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
    for (;;) {
      const at = this.heap.peekKey();
      if (at === undefined) return;
      // Skip settled waiters at the top so a finished burst of long polls does not keep a timer.
      const top = this.heap.pop()!;
      if (top.settled) {
        if (this.stale > 0) this.stale--;
        continue;
      }
      this.heap.push(at, top);
      this.armedAt = at;
      this.timer = setTimeout(this.fire, Math.max(1, at - Date.now()));
      return;
    }
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = Date.now();
    for (;;) {
      const at = this.heap.peekKey();
      if (at === undefined || at > now) break;
      const w = this.heap.pop()!;
      if (w.settled) {
        if (this.stale > 0) this.stale--;
        continue;
      }
      this.firing = true;
      try {
        this.onDeadline(w);
      } finally {
        this.firing = false;
      }
    }
    this.arm();
  };
}
