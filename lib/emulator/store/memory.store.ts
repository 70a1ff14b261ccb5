import type { BrokerEvent, Store } from './store.js';

/** No durability: state lives only in the broker's memory. */
export class MemoryStore implements Store {
  readonly persistent = false;
  deferred = false;
  readonly hasPending = false;

  load(): BrokerEvent[] {
    return [];
  }

  append(_e: BrokerEvent): void {}

  appendAll(_events: BrokerEvent[]): void {}

  compact(_events: BrokerEvent[]): void {}

  flush(): void {}

  discard(): void {}

  close(): void {}
}
