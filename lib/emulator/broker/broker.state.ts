/** In-memory records of the broker. Plain objects with mutable fields: they sit on the hot path. */
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import type { BodyRef } from '../store/body.store.js';
import type { Fifo } from './fifo.js';

export type ConsumeKind = 'normal' | 'orderly' | 'half';

export type MessageState = 'live' | 'half' | 'gone';

export interface Message {
  readonly id: string;
  readonly topic: Topic;
  /** The body, or where the body store keeps it (read it with the broker's readBody). */
  body: BodyRef;
  /** Body size in bytes (counts against the retention budget). */
  readonly bodySize: number;
  readonly bodyMd5: string;
  readonly tag: string | undefined;
  /** Raw `k:v|…|` string, undefined when there are no properties. */
  readonly props: string | undefined;
  readonly publishTime: number;
  readonly shard: string | undefined;
  /** Publish order within the topic (orders partitions and merges tag queues). */
  readonly seq: number;
  state: MessageState;
  /** When consumers may first see it: publish time, timer time, or commit time. */
  visibleAt: number;
  /** Retention ends (live messages): visible time + retention, or publish + retention once committed. */
  retainUntil: number;
  /** Timer message not yet due (has a pending due event). */
  delayed: boolean;
  // Half (transactional) messages only:
  immunityUntil: number;
  publishHandle: string | undefined;
  halfChecks: number;
  halfFirstCheck: number;
  halfDelivery: Delivery | undefined;
  /** In the topic's check queue (immunity over, not currently being checked). */
  halfQueued: boolean;
}

/** Per (subscription, message) progress; created at the first delivery. */
export interface SubMessage {
  readonly msg: Message;
  consumedTimes: number;
  firstConsumeTime: number;
  delivery: Delivery | undefined;
  done: boolean;
}

export interface Delivery {
  readonly handle: string;
  readonly kind: ConsumeKind;
  readonly msg: Message;
  /** Undefined for half-message deliveries (publish handle or trans=pop). */
  readonly sub: Subscription | undefined;
  readonly subMsg: SubMessage | undefined;
  /** Set when the orderly view owns the lock (possibly after a restart). */
  partition: Partition | undefined;
  readonly nextConsumeTime: number;
  active: boolean;
}

export interface Partition {
  readonly key: string;
  /** Not yet delivered messages, publish order. */
  readonly pending: Fifo<Message>;
  /** Delivered and not acked: the lock. Re-sent (only these) after their deliveries expire. */
  outstanding: SubMessage[];
  /** Deliveries of this partition still before their NextConsumeTime. */
  active: number;
  /** In the subscription's ready-partition queue. */
  queued: boolean;
}

export interface OrderlyView {
  readonly partitions: Map<string, Partition>;
  readonly ready: Fifo<Partition>;
}

export interface Waiter {
  readonly sub: Subscription | undefined;
  readonly topic: Topic;
  readonly kind: ConsumeKind;
  readonly max: number;
  readonly tags: string[] | undefined;
  /** Invisibility chosen by the consumer (RocketMQ 5); undefined = the group kind's default. */
  readonly invisibleMs: number | undefined;
  readonly deadline: number;
  resolve: (msgs: ConsumedMessageDoc[]) => void;
  settled: boolean;
  cleanup: (() => void) | undefined;
}

export interface Subscription {
  readonly topic: Topic;
  readonly group: Group;
  readonly states: Map<string, SubMessage>;
  /** Normal consumes: one FIFO per tag ('' = untagged). Created on the first normal consume. */
  normal: Map<string, Fifo<Message>> | undefined;
  /** Orderly consumes: created on the first orderly consume. */
  orderly: OrderlyView | undefined;
  readonly waiters: Set<Waiter>;
}

export interface Topic {
  readonly ns: string;
  readonly name: string;
  /** Declared type; undefined accepts every kind of message. */
  readonly type: string | undefined;
  readonly messages: Map<string, Message>;
  readonly subs: Map<string, Subscription>;
  /** Half messages whose check is due (topic-level: any group may check them). */
  readonly halfReady: Fifo<Message>;
  readonly halfWaiters: Set<Waiter>;
  nextSeq: number;
}

export interface DeadLetter {
  readonly topic: string;
  readonly id: string;
  /** Shares the message's body reference (held on its own in the body store). */
  readonly body: BodyRef;
  readonly tag: string | undefined;
  readonly props: string | undefined;
  readonly publishTime: number;
  readonly consumedTimes: number;
  readonly firstConsumeTime: number;
  readonly deadAt: number;
}

export interface Group {
  readonly ns: string;
  readonly id: string;
  /** Declared FIFO (RocketMQ 5 ordered consumer group): its consumers get message groups in order. */
  readonly fifo: boolean;
  readonly deadLetters: DeadLetter[];
}
