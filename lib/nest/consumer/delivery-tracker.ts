/**
 * The deliveries whose handlers are running, so that a handler timeout or the drain deadline can
 * abort their signals. A delivery is one object (message, abort signal, state, its links in the
 * tracker's list and in its timeout queue) reused by every step of its handling, instead of
 * closures per step. The tracker is an intrusive list (no hashing, no allocation per delivery)
 * and times handlers out through one timer per runner (delivery-timeouts.ts).
 */
import type { MQReceivedMessage } from '../../transport/index.js';
import type { DeliverySignal } from './consumer.contract.js';
import { TimeoutQueue, type TimeoutEntry } from './delivery-timeouts.js';

/** Handler running; its result still counts. */
export const DELIVERY_RUNNING = 0;
/** Handler settled in time; its result was used. */
export const DELIVERY_DONE = 1;
/** Handler outlived handlerTimeoutMs: reported failed, never acked, slot kept until it settles. */
export const DELIVERY_TIMED_OUT = 2;
/** Handler outlived the drain deadline of stop(): reported failed, never acked. */
export const DELIVERY_ABANDONED = 3;

export type DeliveryState =
  | typeof DELIVERY_RUNNING
  | typeof DELIVERY_DONE
  | typeof DELIVERY_TIMED_OUT
  | typeof DELIVERY_ABANDONED;

export interface DeliveryTimeoutOwner {
  onDeliveryTimeout(delivery: ActiveDelivery): void;
}

export class ActiveDelivery implements DeliverySignal, TimeoutEntry {
  readonly startedAt = Date.now();
  state: DeliveryState = DELIVERY_RUNNING;
  /** The tracker's list (set by `DeliveryTracker.add`). */
  tracker: DeliveryTracker | undefined = undefined;
  prev: ActiveDelivery | undefined = undefined;
  next: ActiveDelivery | undefined = undefined;
  /** Armed handler timeout (see TimeoutQueue); a Node timer when not tracked. */
  deadlineAt = 0;
  timeoutPrev: TimeoutEntry | undefined = undefined;
  timeoutNext: TimeoutEntry | undefined = undefined;
  timeoutQueue: TimeoutQueue | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Created on the first read of `signal` (an AbortController costs a few µs per message). */
  private controller: AbortController | undefined = undefined;
  private abortedWith: Error | undefined = undefined;

  constructor(
    readonly message: MQReceivedMessage,
    readonly owner: DeliveryTimeoutOwner,
  ) {}

  /** The handler's signal; already aborted (with the same reason) if read after `abort`. */
  get signal(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = new AbortController();
      if (this.abortedWith !== undefined) controller.abort(this.abortedWith);
      this.controller = controller;
    }
    return controller.signal;
  }

  /** Why the delivery was aborted (timeout, drain deadline); undefined while it was not. */
  get abortReason(): Error | undefined {
    return this.abortedWith;
  }

  /** Aborts the signal now, or records the reason for a signal read later. The first reason wins. */
  abort(reason: Error): void {
    if (this.abortedWith !== undefined) return;
    this.abortedWith = reason;
    this.controller?.abort(reason);
  }

  /**
   * Arms the handler timeout: in the tracker's queue for `timeoutMs` once the delivery is tracked,
   * otherwise with a Node timer (a module-level callback with an argument avoids a closure).
   */
  armTimeout(timeoutMs: number): void {
    this.disarmTimeout();
    if (this.tracker !== undefined) this.tracker.timeouts(timeoutMs).arm(this);
    else this.timer = setTimeout(fireDeliveryTimeout, timeoutMs, this);
  }

  disarmTimeout(): void {
    this.timeoutQueue?.disarm(this);
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function fireDeliveryTimeout(delivery: ActiveDelivery): void {
  if (delivery.state === DELIVERY_RUNNING) delivery.owner.onDeliveryTimeout(delivery);
}

export class DeliveryTracker {
  private head: ActiveDelivery | undefined = undefined;
  private tail: ActiveDelivery | undefined = undefined;
  private count = 0;
  /** One queue per timeout in use (a runner has one: its handlerTimeoutMs). */
  private readonly queues = new Map<number, TimeoutQueue>();

  get size(): number {
    return this.count;
  }

  add(delivery: ActiveDelivery): void {
    if (delivery.tracker !== undefined) return;
    delivery.tracker = this;
    delivery.next = undefined;
    delivery.prev = this.tail;
    if (this.tail === undefined) this.head = delivery;
    else this.tail.next = delivery;
    this.tail = delivery;
    this.count++;
  }

  delete(delivery: ActiveDelivery): void {
    if (delivery.tracker !== this) return;
    const { prev, next } = delivery;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    delivery.prev = undefined;
    delivery.next = undefined;
    delivery.tracker = undefined;
    this.count--;
  }

  /** The queue of the handler timeouts of `timeoutMs` (see ActiveDelivery.armTimeout). */
  timeouts(timeoutMs: number): TimeoutQueue {
    let queue = this.queues.get(timeoutMs);
    if (queue === undefined) {
      queue = new TimeoutQueue(timeoutMs, (entry) => fireDeliveryTimeout(entry as ActiveDelivery));
      this.queues.set(timeoutMs, queue);
    }
    return queue;
  }

  /**
   * Marks every delivery still running as abandoned and aborts its signal with `reasonFor(d)`.
   * Returns the deliveries it abandoned (timed-out ones were already reported).
   */
  abandonAll(reasonFor: (delivery: ActiveDelivery) => Error): ActiveDelivery[] {
    const abandoned: ActiveDelivery[] = [];
    // Collected first: aborting runs listeners, which must not change what is walked.
    const running: ActiveDelivery[] = [];
    for (let d = this.head; d !== undefined; d = d.next) running.push(d);
    for (const delivery of running) {
      if (delivery.state !== DELIVERY_RUNNING) {
        // Timed out earlier: already reported; still make sure its signal is aborted.
        continue;
      }
      delivery.state = DELIVERY_ABANDONED;
      delivery.disarmTimeout();
      delivery.abort(reasonFor(delivery));
      abandoned.push(delivery);
    }
    return abandoned;
  }
}
