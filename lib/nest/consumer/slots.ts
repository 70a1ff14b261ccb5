/**
 * Handler slots of one runner: a counting semaphore with O(1) accounting.
 *
 * A slot is taken for every received message before its handler starts and given back when the
 * message is done with (handler settled, skipped, or exhausted-handled). The poll loop asks for at
 * most `free` messages, so no receipt handle ever waits in a local buffer while its invisibility
 * window runs out. The loop itself is woken through `onRelease`; the drain on stop uses `whenIdle`.
 */
export class HandlerSlots {
  private usedCount = 0;
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

  get used(): number {
    return this.usedCount;
  }

  /** Never negative, even if a server returned more messages than asked for. */
  get free(): number {
    const free = this.capacity - this.usedCount;
    return free > 0 ? free : 0;
  }

  acquire(count: number): void {
    this.usedCount += count;
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
