/**
 * What the chaos run saw: every publish and how it settled, every delivery, every ack event; and
 * what that adds up to (lost, duplicates, untruthful events). Only messages published through
 * `track` count (the shutdown phases publish others).
 */
import type { MQEvent, MQReceivedMessage } from '../../lib/index.js';

interface AckClaim {
  messageId: string;
  /** The delivery the event was about. */
  attempt: number;
}

export interface ChaosTally {
  /** Publishes the broker acknowledged (the call resolved). */
  acknowledged: number;
  /** Publishes that rejected after the retry policy gave up (not acknowledged). */
  publishFailed: number;
  /** Publish calls that had not settled when the run ended (must be 0). */
  unsettled: number;
  /** Acknowledged publishes never delivered (must be 0). */
  lost: number;
  deliveries: number;
  /** Deliveries beyond the first of each key. */
  duplicates: number;
  /** ... of them, the same message again (a lost or failed ack, a poll answer lost). */
  redeliveries: number;
  /** ... of them, another message id for the same key (a publish retried after a lost answer). */
  republished: number;
  ackedConfirmed: number;
  /** `message.acked` with `confirmed: false` (an ack whose answer was lost, presumed done). */
  ackedPresumed: number;
  /** ... of them, delivered again afterwards (the presumption was wrong). */
  presumedButRedelivered: number;
  /** `message.ack-failed` with `maybeAcked: false`. */
  ackFailed: number;
  /** ... of them, never delivered again: the event promised a redelivery that did not come. */
  falseAckFailed: number;
  /** `message.ack-failed` with `maybeAcked: true` (outcome unknown, said so). */
  ackFailedMaybeAcked: number;
  /** ... of them, delivered again afterwards (so the ack had not happened). */
  maybeAckedRedelivered: number;
}

export class ChaosLedger {
  private readonly trackedKeys = new Set<string>();
  private readonly trackedIds = new Set<string>();
  private readonly acknowledgedKeys = new Set<string>();
  private publishFailed = 0;
  private pending = 0;
  /** key → message ids delivered (in order) */
  private readonly byKey = new Map<string, string[]>();
  /** message id → highest delivery attempt seen */
  private readonly lastAttempt = new Map<string, number>();
  private deliveries = 0;
  private readonly presumed: AckClaim[] = [];
  private readonly failed: AckClaim[] = [];
  private readonly maybeAcked: AckClaim[] = [];
  private ackedConfirmed = 0;
  private waiters: Array<() => void> = [];

  /** Tracks one publish call until it settles. */
  track(key: string, call: Promise<unknown>): Promise<void> {
    this.trackedKeys.add(key);
    this.pending++;
    return call.then(
      () => {
        this.pending--;
        this.acknowledgedKeys.add(key);
      },
      () => {
        this.pending--;
        this.publishFailed++;
      },
    );
  }

  delivered(message: MQReceivedMessage): void {
    const key = message.key ?? '';
    if (!this.trackedKeys.has(key)) return;
    this.trackedIds.add(message.messageId);
    this.deliveries++;
    const ids = this.byKey.get(key);
    if (ids === undefined) this.byKey.set(key, [message.messageId]);
    else ids.push(message.messageId);
    const previous = this.lastAttempt.get(message.messageId) ?? 0;
    if (message.consumedTimes > previous) {
      this.lastAttempt.set(message.messageId, message.consumedTimes);
    }
    this.notify();
  }

  event(event: MQEvent): void {
    if (!('messageId' in event) || !this.trackedIds.has(event.messageId)) return;
    if (event.type === 'message.acked') {
      if (event.confirmed) this.ackedConfirmed++;
      else this.presumed.push({ messageId: event.messageId, attempt: event.attempt });
    } else if (event.type === 'message.ack-failed') {
      if (event.maybeAcked)
        this.maybeAcked.push({ messageId: event.messageId, attempt: event.attempt });
      else this.failed.push({ messageId: event.messageId, attempt: event.attempt });
    }
    this.notify();
  }

  get acknowledged(): number {
    return this.acknowledgedKeys.size;
  }

  /** Has `key` been delivered at least once? */
  hasDelivered(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Every acknowledged key delivered at least once (the consumer has caught up). */
  caughtUp(): boolean {
    for (const key of this.acknowledgedKeys) if (!this.byKey.has(key)) return false;
    return true;
  }

  /** Every acknowledged key delivered, and every failed ack followed by its redelivery. */
  settled(): boolean {
    for (const key of this.acknowledgedKeys) if (!this.byKey.has(key)) return false;
    for (const claim of this.failed) {
      if ((this.lastAttempt.get(claim.messageId) ?? 0) <= claim.attempt) return false;
    }
    return this.pending === 0;
  }

  /** Resolves when `check` holds (re-checked on every delivery and event) or after `guardMs`. */
  async until(check: () => boolean, guardMs: number): Promise<boolean> {
    const deadline = performance.now() + guardMs;
    while (!check()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  tally(): ChaosTally {
    let lost = 0;
    for (const key of this.acknowledgedKeys) if (!this.byKey.has(key)) lost++;
    let redeliveries = 0;
    let republished = 0;
    for (const ids of this.byKey.values()) {
      const distinct = new Set(ids).size;
      republished += distinct - 1;
      redeliveries += ids.length - distinct;
    }
    const after = (claim: AckClaim) => (this.lastAttempt.get(claim.messageId) ?? 0) > claim.attempt;
    return {
      acknowledged: this.acknowledgedKeys.size,
      publishFailed: this.publishFailed,
      unsettled: this.pending,
      lost,
      deliveries: this.deliveries,
      duplicates: this.deliveries - this.byKey.size,
      redeliveries,
      republished,
      ackedConfirmed: this.ackedConfirmed,
      ackedPresumed: this.presumed.length,
      presumedButRedelivered: this.presumed.filter(after).length,
      ackFailed: this.failed.length,
      falseAckFailed: this.failed.filter((claim) => !after(claim)).length,
      ackFailedMaybeAcked: this.maybeAcked.length,
      maybeAckedRedelivered: this.maybeAcked.filter(after).length,
    };
  }

  private notify(): void {
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
