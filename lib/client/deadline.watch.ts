/**
 * Whole-call deadlines for every request of a client, with ONE timer for all of them.
 *
 * A timer per request (setTimeout + clearTimeout) would cost every publish an allocation and two
 * calls into the timer machinery. Instead, calls with the same timeout go into one list in start
 * order, which is also deadline order, so a list's head is always its earliest deadline. One timer
 * is armed for the earliest head. When it fires it expires every head whose deadline passed and is
 * re-armed for the next one. Calls that finish in time just unlink themselves (O(1)); the timer is
 * never moved for them. Under load the timer fires about once per timeout period, not once per
 * request. This is how Node keeps its own timers: one list per duration.
 *
 * Deadlines use the monotonic clock (`performance.now()`), so a wall-clock jump neither fires nor
 * delays them.
 */

/** Something that can miss its deadline: a request in flight, or one waiting for credentials. */
export abstract class DeadlineEntry {
  /** Monotonic ms (`performance.now()` scale). */
  deadlineAt = 0;
  /** Links of the list the entry is in (null when not watched). */
  prevEntry: DeadlineEntry | null = null;
  nextEntry: DeadlineEntry | null = null;
  watchedBy: DeadlineList | null = null;

  /** Called at most once, when the deadline passed while the entry was still watched. */
  abstract expire(): void;
}

/** Entries sharing one timeout, oldest first. */
class DeadlineList {
  head: DeadlineEntry | null = null;
  tail: DeadlineEntry | null = null;

  constructor(readonly timeoutMs: number) {}
}

export class DeadlineWatch {
  private readonly lists = new Map<number, DeadlineList>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (monotonic ms); Infinity when none is armed. */
  private armedAt = Infinity;
  private count = 0;
  private readonly fire = (): void => this.sweep();

  /** Entries currently watched. */
  get size(): number {
    return this.count;
  }

  /** Starts watching `entry`: it expires `timeoutMs` from now unless unwatched before. */
  watch(entry: DeadlineEntry, timeoutMs: number): void {
    const deadlineAt = performance.now() + timeoutMs;
    entry.deadlineAt = deadlineAt;
    let list = this.lists.get(timeoutMs);
    if (list === undefined) {
      list = new DeadlineList(timeoutMs);
      this.lists.set(timeoutMs, list);
    }
    const tail = list.tail;
    entry.prevEntry = tail;
    entry.nextEntry = null;
    entry.watchedBy = list;
    if (tail === null) list.head = entry;
    else tail.nextEntry = entry;
    list.tail = entry;
    this.count++;
    if (deadlineAt < this.armedAt) this.arm(deadlineAt);
  }

  /** Stops watching (the call settled). Safe to call for an entry that is not watched. */
  unwatch(entry: DeadlineEntry): void {
    const list = entry.watchedBy;
    if (list === null) return;
    const prev = entry.prevEntry;
    const next = entry.nextEntry;
    if (prev === null) list.head = next;
    else prev.nextEntry = next;
    if (next === null) list.tail = prev;
    else next.prevEntry = prev;
    entry.prevEntry = null;
    entry.nextEntry = null;
    entry.watchedBy = null;
    this.count--;
    // The timer stays armed: it finds nothing due and re-arms for the next head (or stops).
  }

  /** The latest deadline of the watched entries (monotonic ms), or undefined when none. */
  latestDeadline(): number | undefined {
    let latest: number | undefined;
    for (const list of this.lists.values()) {
      const tail = list.tail;
      if (tail !== null && (latest === undefined || tail.deadlineAt > latest)) {
        latest = tail.deadlineAt;
      }
    }
    return latest;
  }

  /** Stops the timer; entries still watched never expire (the owner has cut them otherwise). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    const delay = at - performance.now();
    this.timer = setTimeout(this.fire, delay > 1 ? Math.ceil(delay) : 1);
    // The sockets keep the process alive while calls are in flight; this timer need not.
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [timeoutMs, list] of this.lists) {
      let head = list.head;
      while (head !== null && head.deadlineAt <= now) {
        this.unwatch(head);
        head.expire();
        head = list.head;
      }
      if (head === null) {
        // Per-call timeouts (what a retry budget leaves) may each make a list: drop empty ones.
        this.lists.delete(timeoutMs);
      } else if (head.deadlineAt < next) {
        next = head.deadlineAt;
      }
    }
    if (next !== Infinity && next < this.armedAt) this.arm(next);
  }
}
