import type { Observable, Subscription } from 'rxjs';
import type { MQEvent, MQEventType } from '../nest/interfaces/mq-events.interface.js';

/** The event of a given type. */
export type MQEventOf<T extends MQEventType> = Extract<MQEvent, { type: T }>;

export interface WaitOptions {
  /** Real-time limit (default 10 000 ms): a test waiting for what never comes fails, not hangs. */
  timeoutMs?: number;
}

interface Waiter {
  type: MQEventType;
  predicate: (event: MQEvent) => boolean;
  count: number;
  found: MQEvent[];
  resolve: (events: MQEvent[]) => void;
  reject: (error: Error) => void;
}

/**
 * Records every event of `MQConsumerRegistry.events$` from the start, so a wait never misses an
 * event that happened before it was called (a fast consumer may ack before `publish` returns).
 */
export class EventRecorder {
  readonly events: MQEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly subscription: Subscription;

  constructor(source: Observable<MQEvent>) {
    this.subscription = source.subscribe((event) => this.record(event));
  }

  /** Resolves with the first matching event (past or future). */
  async waitFor<T extends MQEventType>(
    type: T,
    predicate?: (event: MQEventOf<T>) => boolean,
    options?: WaitOptions,
  ): Promise<MQEventOf<T>> {
    const [event] = await this.waitForMany(type, 1, predicate, options);
    return event!;
  }

  /** Resolves with the first `count` matching events (past or future). */
  waitForMany<T extends MQEventType>(
    type: T,
    count: number,
    predicate?: (event: MQEventOf<T>) => boolean,
    options: WaitOptions = {},
  ): Promise<MQEventOf<T>[]> {
    const matches = (event: MQEvent): boolean =>
      event.type === type && (predicate === undefined || predicate(event as MQEventOf<T>));
    const found = this.events.filter(matches);
    if (found.length >= count) return Promise.resolve(found.slice(0, count) as MQEventOf<T>[]);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<MQEventOf<T>[]>((resolve, reject) => {
      const waiter: Waiter = {
        type,
        predicate: matches,
        count,
        found,
        resolve: (events) => {
          clearTimeout(timer);
          resolve(events as MQEventOf<T>[]);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(this.timeoutText(type, count, waiter.found.length, timeoutMs)));
      }, timeoutMs);
      // A wait that lost a race must not keep the test process alive.
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  /** Forgets recorded events (waits then only match events that come later). */
  clear(): void {
    this.events.length = 0;
  }

  /** Stops recording; waits still pending reject (their events can no longer come). */
  close(): void {
    this.subscription.unsubscribe();
    for (const waiter of this.waiters) {
      waiter.reject(new Error(`waitFor('${waiter.type}'): the testing module was closed`));
    }
    this.waiters.clear();
  }

  private record(event: MQEvent): void {
    this.events.push(event);
    for (const waiter of this.waiters) {
      if (!waiter.predicate(event)) continue;
      waiter.found.push(event);
      if (waiter.found.length >= waiter.count) {
        this.waiters.delete(waiter);
        waiter.resolve(waiter.found.slice(0, waiter.count));
      }
    }
  }

  private timeoutText(type: string, count: number, got: number, timeoutMs: number): string {
    const recent = this.events
      .slice(-10)
      .map((e) => `${e.type}(${e.consumer}${'messageId' in e ? ` ${e.messageId}` : ''})`)
      .join(', ');
    return (
      `waitFor('${type}'): ${got} of ${count} matching events within ${timeoutMs} ms; ` +
      `last events: ${recent || 'none'}`
    );
  }
}
