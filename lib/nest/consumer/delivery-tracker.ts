/**
 * The deliveries whose handlers are running, so that a handler timeout or the drain deadline can
 * abort their signals. A delivery is one object (message, abort signal, timer, state) reused by
 * every step of its handling, instead of closures per step.
 */
import type { MQReceivedMessage } from '../../transport/index.js';
import type { DeliverySignal } from './consumer.contract.js';

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

export class ActiveDelivery implements DeliverySignal {
  readonly startedAt = Date.now();
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  state: DeliveryState = DELIVERY_RUNNING;
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

  /** Arms the handler timeout; a module-level callback with an argument avoids a closure. */
  armTimeout(timeoutMs: number): void {
    this.timer = setTimeout(fireDeliveryTimeout, timeoutMs, this);
  }

  disarmTimeout(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function fireDeliveryTimeout(delivery: ActiveDelivery): void {
  delivery.timer = undefined;
  if (delivery.state === DELIVERY_RUNNING) delivery.owner.onDeliveryTimeout(delivery);
}

export class DeliveryTracker {
  private readonly active = new Set<ActiveDelivery>();

  get size(): number {
    return this.active.size;
  }

  add(delivery: ActiveDelivery): void {
    this.active.add(delivery);
  }

  delete(delivery: ActiveDelivery): void {
    this.active.delete(delivery);
  }

  /**
   * Marks every delivery still running as abandoned and aborts its signal with `reasonFor(d)`.
   * Returns the deliveries it abandoned (timed-out ones were already reported).
   */
  abandonAll(reasonFor: (delivery: ActiveDelivery) => Error): ActiveDelivery[] {
    const abandoned: ActiveDelivery[] = [];
    for (const delivery of this.active) {
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
