/**
 * A bounded, per-message record of what the broker did with each message, fed by the broker's
 * event tap. It keeps facts only (times, groups, handles, attempts); bodies stay in the broker.
 * Bounds: at most `maxMessages` records (the least recently touched record goes first) and at
 * most `maxEntriesPerMessage` entries per record (the publish entry stays, the oldest of the rest
 * go, and `truncated` counts them). Recording is O(1) per event: a Map lookup and a push.
 */
import type { BrokerEvent } from '../store/store.js';

export type LifeEntryKind =
  | 'published'
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

export interface LifeEntry {
  readonly at: number;
  readonly kind: LifeEntryKind;
  readonly group?: string;
  readonly handle?: string;
  readonly attempt?: number;
  /** NextConsumeTime of a delivery or check. */
  readonly next?: number;
  readonly mode?: 'normal' | 'orderly' | 'half';
}

export interface MessageRecord {
  readonly id: string;
  readonly ns: string;
  readonly topic: string;
  readonly tag: string | undefined;
  /** Raw `k:v|…|` properties (the broker's own string; not a copy). */
  readonly props: string | undefined;
  readonly publishedAt: number;
  /** Timer messages: when they become visible. */
  readonly due: number | undefined;
  /** Transactional (half) messages: end of the check immunity. */
  readonly immunityUntil: number | undefined;
  readonly entries: LifeEntry[];
  /** Entries dropped because the record reached its bound. */
  truncated: number;
}

export interface MessageHistoryOptions {
  maxMessages?: number;
  maxEntriesPerMessage?: number;
}

export const DEFAULT_HISTORY_MESSAGES = 10_000;
export const DEFAULT_HISTORY_ENTRIES = 100;

export class MessageHistory {
  readonly maxMessages: number;
  readonly maxEntriesPerMessage: number;
  private readonly records = new Map<string, MessageRecord>();

  constructor(options: MessageHistoryOptions = {}) {
    this.maxMessages = options.maxMessages ?? DEFAULT_HISTORY_MESSAGES;
    this.maxEntriesPerMessage = options.maxEntriesPerMessage ?? DEFAULT_HISTORY_ENTRIES;
    if (!(this.maxMessages >= 1) || !(this.maxEntriesPerMessage >= 2)) {
      throw new RangeError('MessageHistory needs maxMessages >= 1 and maxEntriesPerMessage >= 2');
    }
  }

  get size(): number {
    return this.records.size;
  }

  get(id: string): MessageRecord | undefined {
    return this.records.get(id);
  }

  /** Most recently touched last. */
  values(): IterableIterator<MessageRecord> {
    return this.records.values();
  }

  clear(): void {
    this.records.clear();
  }

  /** Records one broker event; `now` is the broker's clock (events without a time of their own). */
  record(e: BrokerEvent, now: number): void {
    switch (e.t) {
      case 'pub': {
        const r: MessageRecord = {
          id: e.id,
          ns: e.ns,
          topic: e.topic,
          tag: e.tag,
          props: e.props,
          publishedAt: e.at,
          due: e.due,
          immunityUntil: e.imm,
          entries: [
            e.h !== undefined
              ? { at: e.at, kind: 'published', handle: e.h, next: e.imm }
              : { at: e.at, kind: 'published' },
          ],
          truncated: 0,
        };
        this.records.delete(e.id);
        this.records.set(e.id, r);
        if (this.records.size > this.maxMessages) {
          this.records.delete(this.records.keys().next().value!);
        }
        return;
      }
      case 'dlv':
        this.add(e.id, {
          at: now,
          kind: e.g === undefined ? 'checked' : 'delivered',
          ...(e.g !== undefined ? { group: e.g } : {}),
          handle: e.h,
          attempt: e.n,
          next: e.next,
          mode: e.kind,
        });
        return;
      case 'ack':
        this.add(e.id, { at: now, kind: 'acked', group: e.group });
        return;
      case 'dead':
        this.add(e.id, { at: e.at, kind: 'deadLettered', group: e.group, attempt: e.n });
        return;
      case 'commit':
        this.add(e.id, { at: e.at, kind: 'committed' });
        return;
      case 'rollback':
        this.add(e.id, { at: e.at, kind: 'rolledBack' });
        return;
      case 'drop':
        this.add(e.id, { at: now, kind: 'retentionEnded' });
        return;
      case 'resend':
        this.add(e.id, { at: e.at, kind: 'resent', group: e.group });
        return;
      case 'purge':
        // An admin action, not the hot path: a scan of the (bounded) records is fine.
        for (const r of [...this.records.values()]) {
          if (r.ns === e.ns && r.topic === e.topic && !isFinished(r)) {
            this.add(r.id, { at: now, kind: 'purged' });
          }
        }
        return;
      case 'dlpurge':
        for (const id of e.ids ?? this.deadLettersOf(e.ns, e.topic, e.group)) {
          this.add(id, { at: now, kind: 'deadLetterPurged', group: e.group });
        }
        return;
      case 'reset':
        this.records.clear();
        return;
      default:
        return;
    }
  }

  private add(id: string, entry: LifeEntry): void {
    const r = this.records.get(id);
    if (r === undefined) return;
    const entries = r.entries;
    if (entries.length >= this.maxEntriesPerMessage) {
      entries.splice(1, 1);
      r.truncated++;
    }
    entries.push(entry);
    // Most recently touched last, so eviction takes the message idle the longest.
    this.records.delete(id);
    this.records.set(id, r);
  }

  private deadLettersOf(ns: string, topic: string, group: string): string[] {
    const out: string[] = [];
    for (const r of this.records.values()) {
      if (r.ns !== ns || r.topic !== topic) continue;
      let dead = false;
      for (const x of r.entries) {
        if (x.group !== group) continue;
        if (x.kind === 'deadLettered') dead = true;
        else if (x.kind === 'resent' || x.kind === 'deadLetterPurged') dead = false;
      }
      if (dead) out.push(r.id);
    }
    return out;
  }
}

/** Rolled back, purged or past retention: nothing more can happen to it. */
function isFinished(r: MessageRecord): boolean {
  const last = r.entries[r.entries.length - 1]!.kind;
  return last === 'rolledBack' || last === 'purged' || last === 'retentionEnded';
}
