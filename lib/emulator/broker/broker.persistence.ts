/**
 * The durable log's life: replay at start (then a rewrite to the live state), and online
 * compaction when the log has grown well beyond the live state. With the memory store there is
 * nothing to replay and compaction does nothing. Split from broker.ts to keep files small; Broker
 * extends this class.
 */
import { BrokerConsume } from './broker.consume.js';
import { applyEvent, snapshotEvents } from './broker.replay.js';

export abstract class BrokerPersistence extends BrokerConsume {
  /** Appended events since the last compaction that trigger the next one (see BrokerOptions). */
  protected abstract readonly compactAfterEvents: number;
  /** Events the last compaction wrote (the live state then). */
  private liveEvents = 0;

  /** Replays the store's log, then rewrites it with only the live state (Broker's constructor). */
  protected restore(): void {
    const events = this.store.load();
    if (events.length > 0) {
      this.replaying = true;
      try {
        for (const e of events) applyEvent(this, e);
      } finally {
        this.replaying = false;
      }
    }
    this.bodies.sweep();
    if (this.bodies.onDisk) this.moveBodiesToDisk();
    this.rebuildFinished();
    this.enforceBudget();
    this.compact();
    this.due.runDue();
  }

  /** A log written before bodies moved to disk carries them inline: move them out of the heap. */
  private moveBodiesToDisk(): void {
    for (const t of this.topics.values()) {
      for (const m of t.messages.values()) {
        if (typeof m.body === 'string' || m.body instanceof Uint8Array)
          m.body = this.bodies.put(m.body);
      }
    }
  }

  /** Rewrites the log as the live state (at start, and when it has grown well beyond it). */
  private compact(): void {
    if (!this.persisting) return;
    const events = snapshotEvents(this);
    this.store.compact(events);
    this.liveEvents = events.length;
    this.appendedEvents = 0;
  }

  /** Called at the end of operations, when no event is half-written. */
  protected override maybeCompact(): void {
    if (
      this.appendedEvents >= this.compactAfterEvents &&
      this.appendedEvents > 2 * this.liveEvents
    ) {
      this.compact();
    }
  }
}
