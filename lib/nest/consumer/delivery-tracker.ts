/**
 * The deliveries whose handlers are running, so that a handler timeout or the drain deadline can
 * abort their signals. A delivery is one object (message, abort controller, timer, state) reused by
 * every step of its handling, instead of closures per step.
 */
import type { MQReceivedMessage } from '../../client/client.types.js';

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

export class ActiveDelivery {
  readonly controller = new AbortController();
  readonly startedAt = Date.now();
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  state: DeliveryState = DELIVERY_RUNNING;

  constructor(
    readonly message: MQReceivedMessage,
    readonly owner: DeliveryTimeoutOwner,
  ) {}

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
      delivery.controller.abort(reasonFor(delivery));
      abandoned.push(delivery);
    }
    return abandoned;
  }
}
