/**
 * What the broker did with each message, for the console's timelines: a ring of the latest
 * `maxEvents` broker events (each with the broker's time when it happened), from which one
 * message's history is rebuilt when someone asks. Recording is one array store per event (the
 * broker's own event object is kept; a publish or dead letter is kept without its body), so the
 * hot path pays a few nanoseconds and memory stays bounded; a question scans the ring (admin path).
 * A message whose early events left the ring shows the rest, and says that the start is missing.
 */
import type { BrokerEvent } from '../store/store.js';

export type LifeEntryKind =
  | 'delivered'
  | 'acked'
  | 'deadLettered'
  | 'committed'
  | 'rolledBack'
  | 'checked'
  | 'retentionEnded'
  | 'purged'
  | 'resent'
  | 'deadLetterPurged';

/** One step after the publish. */
export interface LifeEntry {
  at: number;
  kind: LifeEntryKind;
  group?: string;
  handle?: string;
  attempt?: number;
  /** NextConsumeTime of a delivery or check. */
  next?: number;
  mode?: 'normal' | 'orderly' | 'half';
}

/** The publish of a message as kept in the ring (no body). */
export interface PublishFacts {
  id: string;
  ns: string;
  topic: string;
  tag: string | undefined;
  /** Raw `k:v|…|` properties (the broker's own string; not a copy). */
  props: string | undefined;
  at: number;
  /** Timer messages: when they become visible. */
  due: number | undefined;
  /** Transactional (half) messages: end of the check immunity, and the publish receipt handle. */
  imm: number | undefined;
  h: string | undefined;
}

/** One message's history as far as the ring still holds it. */
export interface MessageRecord {
  id: string;
  ns: string;
  topic: string;
  /** Undefined when the publish already left the ring (the history's start is missing). */
  publish: PublishFacts | undefined;
  /** What happened after the publish, oldest first (at most maxEntriesPerMessage). */
  entries: LifeEntry[];
  /** Entries left out: beyond maxEntriesPerMessage. */
  truncated: number;
}

type Kept =
  | ({ t: 'pub' } & PublishFacts)
  | { t: 'dead'; ns: string; topic: string; group: string; id: string; at: number; n: number }
  | Extract<
      BrokerEvent,
      { t: 'dlv' | 'ack' | 'commit' | 'rollback' | 'drop' | 'resend' | 'purge' | 'dlpurge' }
    >;

export interface MessageHistoryOptions {
  maxEvents?: number;
  maxEntriesPerMessage?: number;
}

export const DEFAULT_HISTORY_EVENTS = 50_000;
export const DEFAULT_HISTORY_ENTRIES = 100;

export class MessageHistory {
  readonly maxEvents: number;
  readonly maxEntriesPerMessage: number;
  private readonly events: (Kept | undefined)[] = [];
  private readonly times: Float64Array;
  /** Slot of the next event; once the ring is full, also the oldest event. */
  private next = 0;

  constructor(options: MessageHistoryOptions = {}) {
    this.maxEvents = options.maxEvents ?? DEFAULT_HISTORY_EVENTS;
    this.maxEntriesPerMessage = options.maxEntriesPerMessage ?? DEFAULT_HISTORY_ENTRIES;
    if (!(this.maxEvents >= 1) || !(this.maxEntriesPerMessage >= 1)) {
      throw new RangeError('MessageHistory needs maxEvents >= 1 and maxEntriesPerMessage >= 1');
    }
    this.times = new Float64Array(this.maxEvents);
  }

  /** Events held now. */
  get size(): number {
    return this.events.length;
  }

  clear(): void {
    this.events.length = 0;
    this.next = 0;
  }

  /** Records one broker event; `now` is the broker's clock when it happened. */
  record(e: BrokerEvent, now: number): void {
    let kept: Kept;
    switch (e.t) {
      case 'pub':
        kept = {
          t: 'pub',
          id: e.id,
          ns: e.ns,
          topic: e.topic,
          tag: e.tag,
          props: e.props,
          at: e.at,
          due: e.due,
          imm: e.imm,
          h: e.h,
        };
        break;
      case 'dead':
        kept = { t: 'dead', ns: e.ns, topic: e.topic, group: e.group, id: e.id, at: e.at, n: e.n };
        break;
      case 'dlv':
      case 'ack':
      case 'commit':
      case 'rollback':
      case 'drop':
      case 'resend':
      case 'purge':
      case 'dlpurge':
        kept = e;
        break;
      case 'reset':
        this.clear();
        return;
      default:
        return;
    }
    if (this.events.length < this.maxEvents) this.events.push(kept);
    else this.events[this.next] = kept;
    this.times[this.next] = now;
    this.next = this.next + 1 === this.maxEvents ? 0 : this.next + 1;
  }

  /** Publishes still in the ring, oldest first (for searches). */
  *published(): Generator<PublishFacts> {
    for (const e of this.ordered()) if (e.event.t === 'pub') yield e.event;
  }

  /** The history of one message, or undefined when the ring holds nothing of it. */
  get(id: string): MessageRecord | undefined {
    let r: MessageRecord | undefined;
    /** Groups that hold it as a dead letter now (a purge without ids applies to those). */
    const dead = new Set<string>();
    const entries: LifeEntry[] = [];
    for (const { event: e, at } of this.ordered()) {
      if (e.t === 'purge' || (e.t === 'dlpurge' && e.ids === undefined)) {
        if (r === undefined || e.ns !== r.ns || e.topic !== r.topic) continue;
        if (e.t === 'purge') {
          const last = entries[entries.length - 1]?.kind;
          if (last !== 'purged' && last !== 'rolledBack' && last !== 'retentionEnded') {
            entries.push({ at, kind: 'purged' });
          }
        } else if (dead.delete(e.group)) {
          entries.push({ at, kind: 'deadLetterPurged', group: e.group });
        }
        continue;
      }
      if (e.t === 'dlpurge' ? !e.ids!.includes(id) : e.id !== id) continue;
      r ??= { id, ns: e.ns, topic: e.topic, publish: undefined, entries, truncated: 0 };
      switch (e.t) {
        case 'pub':
          r.publish = e;
          break;
        case 'dlv':
          entries.push({
            at,
            kind: e.g === undefined ? 'checked' : 'delivered',
            ...(e.g !== undefined ? { group: e.g } : {}),
            handle: e.h,
            attempt: e.n,
            next: e.next,
            mode: e.kind,
          });
          break;
        case 'ack':
          entries.push({ at, kind: 'acked', group: e.group });
          break;
        case 'dead':
          dead.add(e.group);
          entries.push({ at: e.at, kind: 'deadLettered', group: e.group, attempt: e.n });
          break;
        case 'resend':
          dead.delete(e.group);
          entries.push({ at: e.at, kind: 'resent', group: e.group });
          break;
        case 'dlpurge':
          dead.delete(e.group);
          entries.push({ at, kind: 'deadLetterPurged', group: e.group });
          break;
        case 'commit':
          entries.push({ at: e.at, kind: 'committed' });
          break;
        case 'rollback':
          entries.push({ at: e.at, kind: 'rolledBack' });
          break;
        case 'drop':
          entries.push({ at, kind: 'retentionEnded' });
          break;
      }
    }
    if (r !== undefined && entries.length > this.maxEntriesPerMessage) {
      r.truncated = entries.length - this.maxEntriesPerMessage;
      r.entries = entries.slice(r.truncated);
    }
    return r;
  }

  /** The ring from oldest to newest, with each event's time. */
  private *ordered(): Generator<{ event: Kept; at: number }> {
    const n = this.events.length;
    const start = n < this.maxEvents ? 0 : this.next;
    for (let i = 0; i < n; i++) {
      const slot = (start + i) % n;
      yield { event: this.events[slot]!, at: this.times[slot]! };
    }
  }
}
