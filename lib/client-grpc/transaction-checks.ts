/**
 * Orphaned-transaction checks arrive pushed on the producer's Telemetry stream
 * (RecoverOrphanedTransactionCommand); the Nest layer's checker runners long-poll for them. This
 * is the queue between the two: per topic, newest check per transaction id, bounded, and entries
 * the proxy can no longer settle (its transaction data lives ~30 s) dropped when they are taken.
 */
import { MQAbortError } from '../client/client.errors.js';
import { closedError } from './grpc.errors.js';

export interface PendingCheck<T> {
  transactionId: string;
  receivedAt: number;
  value: T;
}

interface Waiter<T> {
  max: number;
  resolve(checks: PendingCheck<T>[]): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  cleanup(): void;
}

/** Most checks held per topic while no checker takes them (the broker asks again later). */
export const MAX_QUEUED_CHECKS = 256;
/** A check older than this cannot be answered any more: the proxy forgot its transaction data. */
export const CHECK_ANSWER_WINDOW_MS = 30_000;

export class TransactionCheckQueue<T> {
  private readonly queues = new Map<string, Map<string, PendingCheck<T>>>();
  private readonly waiters = new Map<string, Set<Waiter<T>>>();
  private closed = false;

  constructor(
    private readonly onDrop: (topic: string, count: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(topic: string, transactionId: string, value: T): void {
    if (this.closed) return;
    const check: PendingCheck<T> = { transactionId, receivedAt: this.now(), value };
    const waiting = this.waiters.get(topic);
    if (waiting !== undefined && waiting.size > 0) {
      const waiter = waiting.values().next().value as Waiter<T>;
      waiting.delete(waiter);
      waiter.cleanup();
      waiter.resolve([check]);
      return;
    }
    let queue = this.queues.get(topic);
    if (queue === undefined) {
      queue = new Map();
      this.queues.set(topic, queue);
    }
    // The broker asks again about an undecided transaction: keep only the newest ask.
    queue.delete(transactionId);
    queue.set(transactionId, check);
    // Checks nobody took in time (no checker polls this topic?) go: the proxy could not settle them.
    let dropped = this.dropStale(queue);
    if (queue.size > MAX_QUEUED_CHECKS) {
      const oldest = queue.keys().next().value as string;
      queue.delete(oldest);
      dropped++;
    }
    if (dropped > 0) this.onDrop(topic, dropped);
  }

  /** Up to `max` checks of a topic, waiting up to `waitMs` for the first; [] when none came. */
  take(
    topic: string,
    max: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<PendingCheck<T>[]> {
    if (this.closed) {
      return Promise.reject(closedError());
    }
    if (signal?.aborted) return Promise.reject(new MQAbortError());
    const ready = this.drain(topic, max);
    if (ready.length > 0 || waitMs <= 0) return Promise.resolve(ready);
    return new Promise<PendingCheck<T>[]>((resolve, reject) => {
      let set = this.waiters.get(topic);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(topic, set);
      }
      const waiters = set;
      const onAbort = (): void => {
        waiter.cleanup();
        waiters.delete(waiter);
        reject(new MQAbortError());
      };
      const waiter: Waiter<T> = {
        max,
        resolve,
        reject,
        timer: undefined,
        cleanup: () => {
          clearTimeout(waiter.timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      // A real-time wait like a long poll's; unref'd so that an idle checker never holds the process.
      waiter.timer = setTimeout(() => {
        waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        resolve([]);
      }, waitMs);
      waiter.timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
    });
  }

  /** Rejects every waiter and forgets queued checks. */
  close(): void {
    this.closed = true;
    this.queues.clear();
    for (const set of this.waiters.values()) {
      for (const waiter of set) {
        waiter.cleanup();
        waiter.reject(closedError());
      }
    }
    this.waiters.clear();
  }

  /** Drops the checks older than the answer window from the head (entries are in arrival order). */
  private dropStale(queue: Map<string, PendingCheck<T>>): number {
    const oldest = this.now() - CHECK_ANSWER_WINDOW_MS;
    let dropped = 0;
    for (const [id, check] of queue) {
      if (check.receivedAt >= oldest) break;
      queue.delete(id);
      dropped++;
    }
    return dropped;
  }

  private drain(topic: string, max: number): PendingCheck<T>[] {
    const queue = this.queues.get(topic);
    if (queue === undefined || queue.size === 0) return [];
    const out: PendingCheck<T>[] = [];
    const oldest = this.now() - CHECK_ANSWER_WINDOW_MS;
    let expired = 0;
    for (const [id, check] of queue) {
      queue.delete(id);
      if (check.receivedAt < oldest) {
        expired++;
        continue;
      }
      out.push(check);
      if (out.length >= max) break;
    }
    if (expired > 0) this.onDrop(topic, expired);
    return out;
  }
}
