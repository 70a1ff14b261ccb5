/**
 * Handler slots of one runner: a counting semaphore with O(1) accounting.
 *
 * A poll RESERVES as many slots as it asks messages for, before it is sent; when it returns, the
 * reservation turns into one used slot per received message and the rest is given back. A used slot
 * is given back when its message is done with (handler settled, skipped, or exhausted-handled).
 * Several polls can be outstanding at once and together never ask for more than the free slots, so
 * no receipt handle ever waits in a local buffer while its invisibility window runs out. The loop
 * is woken through `onRelease`; the drain on stop uses `whenIdle` (after every poll settled).
 */
export class HandlerSlots {
  private usedCount = 0;
  private reservedCount = 0;
  private idlePromise: Promise<void> | undefined;
  private resolveIdle: (() => void) | undefined;

  /**
   * @param capacity handlers allowed at once (the consumer's `concurrency`).
   * @param onRelease called after every release, so a waiting poll loop can take the freed slot.
   */
  constructor(
    readonly capacity: number,
    private readonly onRelease: () => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${String(capacity)}`);
    }
  }

  /** Slots of received messages not yet done with (reservations of outstanding polls excluded). */
  get used(): number {
    return this.usedCount;
  }

  /** Slots held by polls still outstanding. */
  get reserved(): number {
    return this.reservedCount;
  }

  /** Neither used nor reserved; never negative, even if a server returned more than asked for. */
  get free(): number {
    const free = this.capacity - this.usedCount - this.reservedCount;
    return free > 0 ? free : 0;
  }

  acquire(count: number): void {
    this.usedCount += count;
  }

  /** A poll asking for `count` messages is about to be sent. */
  reserve(count: number): void {
    this.reservedCount += count;
  }

  /**
   * A poll that reserved `reserved` slots returned `received` messages (0 when it failed or was
   * aborted): they take used slots, the rest of the reservation is free again.
   */
  settleReservation(reserved: number, received: number): void {
    this.reservedCount -= reserved;
    this.usedCount += received;
    if (received < reserved) this.onRelease();
  }

  release(count = 1): void {
    this.usedCount -= count;
    if (this.usedCount <= 0) {
      this.usedCount = 0;
      const resolve = this.resolveIdle;
      if (resolve !== undefined) {
        this.resolveIdle = undefined;
        this.idlePromise = undefined;
        resolve();
      }
    }
    this.onRelease();
  }

  /** Resolves once no slot is used (at once when already idle). */
  whenIdle(): Promise<void> {
    if (this.usedCount === 0) return Promise.resolve();
    if (this.idlePromise === undefined) {
      this.idlePromise = new Promise<void>((resolve) => {
        this.resolveIdle = resolve;
      });
    }
    return this.idlePromise;
  }
}
