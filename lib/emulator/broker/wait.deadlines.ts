/**
 * One real-time timer for every parked long poll. Waiters sit in a min-heap by deadline; the single
 * setTimeout is armed for the earliest one. Waiters settled early (a message arrived, or abort) are
 * dropped lazily when they reach the top, so settling costs nothing here.
 * Real time on purpose: HTTP clients time out in real time even when the broker's clock is virtual.
 */
import { MinHeap } from './min-heap.js';
import type { Waiter } from './broker.state.js';

export class WaitDeadlines {
  private readonly heap = new MinHeap<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;

  constructor(private readonly onDeadline: (w: Waiter) => void) {}

  add(w: Waiter): void {
    this.heap.push(w.deadline, w);
    if (w.deadline < this.armedAt) this.arm();
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
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
      if (top.settled) continue;
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
      if (!w.settled) this.onDeadline(w);
    }
    this.arm();
  };
}
