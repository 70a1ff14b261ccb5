import type { DiskBodyRecord } from './body.store.js';
import type { DeferrableWrites } from './deferrable.writes.js';

/**
 * Durable record of the broker's state transitions. The broker's state is a fold of these events,
 * so replaying the log rebuilds it exactly, and an acked message can never come back.
 * Time-driven transitions that follow from recorded deadlines (a delivery expiring, a timer coming
 * due) are not logged: replay recomputes them from the absolute times in the events.
 */

export interface TopicCreatedEvent {
  t: 'topic';
  ns: string;
  topic: string;
  type?: string;
}
export interface GroupCreatedEvent {
  t: 'group';
  ns: string;
  group: string;
}
/** A group started consuming a topic (its subscription state begins with every retained message). */
export interface SubscribedEvent {
  t: 'sub';
  ns: string;
  topic: string;
  group: string;
}
export interface PublishedEvent {
  t: 'pub';
  ns: string;
  topic: string;
  id: string;
  /** The body inline (memory-mode history, logs written before bodies moved to disk)... */
  body?: string;
  /** ...or where the disk body store keeps it, with its MD5 (not recomputed at replay). */
  bref?: DiskBodyRecord;
  md5?: string;
  tag?: string;
  /** Raw `k:v|…|` properties as delivered to consumers. */
  props?: string;
  /** Publish time. */
  at: number;
  /** Timer messages: delivery time. */
  due?: number;
  shard?: string;
  /** Half messages: end of the immunity window and the publish receipt handle. */
  imm?: number;
  h?: string;
}
/** One delivery of a message to a group (normal/orderly) or of a half message to a check (g absent). */
export interface DeliveredEvent {
  /** h = '' records only the counters of a delivery that has already expired (compaction). */
  t: 'dlv';
  ns: string;
  topic: string;
  g?: string;
  id: string;
  h: string;
  /** NextConsumeTime of this delivery. */
  next: number;
  /** ConsumedTimes after this delivery and FirstConsumeTime. */
  n: number;
  first: number;
  kind: 'normal' | 'orderly' | 'half';
}
export interface AckedEvent {
  t: 'ack';
  ns: string;
  topic: string;
  group: string;
  id: string;
}
export interface DeadLetteredEvent {
  t: 'dead';
  ns: string;
  topic: string;
  group: string;
  id: string;
  at: number;
  n: number;
  first: number;
  /** Copy of the message (its body inline or on disk), so the dead letter outlives its retention. */
  body?: string;
  bref?: DiskBodyRecord;
  tag?: string;
  props?: string;
  pubAt: number;
}
export interface CommittedEvent {
  t: 'commit';
  ns: string;
  topic: string;
  id: string;
  at: number;
}
export interface RolledBackEvent {
  t: 'rollback';
  ns: string;
  topic: string;
  id: string;
  at: number;
}
/** Retention ended (or a half message hit its maximum age is logged as rollback). */
export interface ExpiredDroppedEvent {
  t: 'drop';
  ns: string;
  topic: string;
  id: string;
}
/** admin.reset(): every message, delivery, half message and dead letter is gone. */
export interface ResetEvent {
  t: 'reset';
}
/** admin.purgeTopic(): every message of the topic (ready, in flight, timer, half) is gone. */
export interface TopicPurgedEvent {
  t: 'purge';
  ns: string;
  topic: string;
}
/** admin.resendDeadLetters(): a dead letter goes back to its group with fresh retries. */
export interface DeadLetterResentEvent {
  t: 'resend';
  ns: string;
  topic: string;
  group: string;
  id: string;
  at: number;
}
/** admin.purgeDeadLetters(): these dead letters (all of the topic's when ids is absent) are gone. */
export interface DeadLettersPurgedEvent {
  t: 'dlpurge';
  ns: string;
  topic: string;
  group: string;
  ids?: string[];
}

export type BrokerEvent =
  | TopicCreatedEvent
  | GroupCreatedEvent
  | SubscribedEvent
  | PublishedEvent
  | DeliveredEvent
  | AckedEvent
  | DeadLetteredEvent
  | CommittedEvent
  | RolledBackEvent
  | ExpiredDroppedEvent
  | ResetEvent
  | TopicPurgedEvent
  | DeadLetterResentEvent
  | DeadLettersPurgedEvent;

export interface Store extends DeferrableWrites {
  /** Events to replay, oldest first. */
  load(): BrokerEvent[];
  /** Handed to the OS before returning (survives kill -9 of this process), unless deferred. */
  append(e: BrokerEvent): void;
  /** Several events in one write (optional; the broker falls back to append). */
  appendAll?(events: BrokerEvent[]): void;
  /** Replaces the whole log with these events, atomically. */
  compact(events: BrokerEvent[]): void;
  close(): void;
  /** False for stores that drop events (lets the broker skip building them). */
  readonly persistent?: boolean;
}
