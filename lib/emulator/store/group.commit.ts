/**
 * Group commit of the durable stores (`--data-dir`): instead of two write(2) calls per publish (its
 * body, then its event), the writes of every operation the MQ HTTP front runs within one
 * event-loop turn are kept and handed to the OS together, at the end of that turn, BEFORE any
 * answer to those operations is sent. So the kill -9 guarantee holds exactly as with a write per
 * operation (an answer never precedes the bytes it vouches for), for two system calls per turn
 * instead of two per publish. What it costs: those answers leave at the end of the turn (after
 * the other requests that arrived with them, microseconds later), and a front must send its answers
 * through `atTurnEnd` to defer its writes at all; the other fronts (gRPC, ONS, admin) write as
 * before, and any write they make first writes whatever is kept, so the order on disk is always the
 * order of the operations.
 *
 * The same turn-end point batches the front's answers in memory mode too, where nothing is kept:
 * written back to back, the answers of one turn cost the server far less kernel time than answers
 * written one by one between reading requests (a client woken by the first finds the next ones
 * without being woken again; ≈40 % of the emulator's CPU per publish at 32 concurrent clients).
 *
 * If a kept write fails (disk full, I/O error), every answer waiting for it is told so, and the
 * front answers an internal error; the state in memory already holds those changes, as it would
 * after a failed fsync: the client, not told of success, retries.
 */
// From node:timers, not the global: every answer of the MQ HTTP front waits for this immediate, and
// fake timers a test installs on the global object (Jest's, sinon's) must not hold them back.
import { setImmediate } from 'node:timers';
import type { BodyStore } from './body.store.js';
import type { Store } from './store.js';

/** Called once the writes it waited for are in the OS (`error` undefined) or have failed. */
export type CommitWaiter = (error: unknown) => void;

export class GroupCommit {
  private waiting: CommitWaiter[] = [];
  private scheduled = false;
  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(
    private readonly store: Store,
    private readonly bodies: BodyStore,
  ) {}

  /** Something written by a deferred operation is not in the OS yet. */
  get pending(): boolean {
    return this.store.hasPending || this.bodies.hasPending;
  }

  /** Runs `operation` with its writes kept until the end of the turn (see the file comment). */
  deferred<T>(operation: () => T): T {
    if (this.store.deferred) return operation();
    this.store.deferred = true;
    this.bodies.deferred = true;
    try {
      return operation();
    } finally {
      this.store.deferred = false;
      this.bodies.deferred = false;
    }
  }

  /**
   * Calls `then` at the end of this event-loop turn (an immediate runs after the poll phase, i.e.
   * after every request callback of the turn), once every write made so far is in the OS.
   */
  atTurnEnd(then: CommitWaiter): void {
    this.waiting.push(then);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

  /** Writes what is kept (bodies before the events that point at them), then releases the waiting. */
  flush(): void {
    let error: unknown;
    try {
      this.bodies.flush();
    } catch (err) {
      error = err;
      // Events pointing at bodies that are not on disk must never reach the log.
      this.store.discard();
    }
    try {
      this.store.flush();
    } catch (err) {
      error ??= err;
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const then of waiting) then(error);
  }
}
