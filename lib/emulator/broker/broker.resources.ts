/**
 * Resources (topics, groups, subscriptions) and receipt handles of the broker: the base the
 * delivery lifecycle and the public API build on. Split from broker.ts only to keep files small.
 */
import { randomBytes } from 'node:crypto';
import { MQ_ERRORS, MQ_LIMITS } from '../../protocol/index.js';
import type { AckErrorItem } from '../../protocol/index.js';
import type { EmulatorTimings } from '../emulator.types.js';
import type { Clock } from '../clock/clock.js';
import { diskRecord, isDiskBody } from '../store/body.store.js';
import type { BodyRef, BodyStore, DiskBodyRecord, MessageBody } from '../store/body.store.js';
import { GroupCommit } from '../store/group.commit.js';
import type { BrokerEvent, Store } from '../store/store.js';

/**
 * A tap on the broker's state changes (the console's history and live view): called once per
 * event, synchronously, on the hot path, so it must be cheap and must not throw.
 */
export type BrokerObserver = (e: BrokerEvent) => void;
import { BrokerError } from './broker.errors.js';
import { Fifo } from './fifo.js';
import type {
  ConsumeKind,
  Delivery,
  Group,
  Message,
  SubMessage,
  Subscription,
  Topic,
} from './broker.state.js';

/** Ids of resolved or dropped messages remembered so stale handles answer MessageNotExist. */
const MAX_TOMBSTONES = 100_000;

export abstract class BrokerResources {
  /** @internal state, shared with admin and replay */
  readonly topics = new Map<string, Topic>();
  /** @internal */
  readonly groups = new Map<string, Group>();
  /** @internal active receipt handles (deliveries before their NextConsumeTime, publish handles) */
  readonly handles = new Map<string, Delivery>();
  /** @internal */
  readonly tombstones = new Set<string>();
  /** Build events at all: false when nobody keeps them (MemoryStore and no observer). */
  protected readonly logging: boolean;
  /** The store keeps events (false for MemoryStore): appends, compaction. */
  protected readonly persisting: boolean;
  protected replaying = false;
  /** Events appended since the log was last compacted (drives online compaction). */
  protected appendedEvents = 0;
  /** Messages (live and half) held right now, and the bytes of their bodies. */
  protected retainedMessages = 0;
  protected retainedBytes = 0;
  protected readonly declaredTopics = new Set<string>();
  /** Group commit of the store's and the body store's writes (see group.commit.ts). */
  readonly commits: GroupCommit;
  private readonly handlePrefix = randomBytes(6).toString('base64url');
  private handleSeq = 0;

  constructor(
    readonly clock: Clock,
    readonly timings: EmulatorTimings,
    readonly autoCreate: boolean,
    protected readonly store: Store,
    /** @internal where message bodies live (memory, or disk in --data-dir mode) */
    readonly bodies: BodyStore,
    /** Sees every event as it is logged (never replayed ones); must not throw. */
    protected readonly observer: BrokerObserver | undefined,
  ) {
    this.persisting = store.persistent !== false;
    this.logging = this.persisting || observer !== undefined;
    this.commits = new GroupCommit(store, bodies);
  }

  protected log(e: BrokerEvent): void {
    if (this.persisting) {
      this.appendedEvents++;
      this.store.append(e);
    }
    this.observer?.(e);
  }

  /** Unknown or garbage handle → ReceiptHandleError; a handle of a message we know → MessageNotExist. */
  protected handleError(topic: Topic | undefined, handle: string): AckErrorItem {
    const dash = handle.indexOf('-');
    const id = dash > 0 ? handle.slice(0, dash) : '';
    const known =
      topic !== undefined && id !== '' && (topic.messages.has(id) || this.tombstones.has(id));
    const code = known ? 'MessageNotExist' : 'ReceiptHandleError';
    return { code, message: MQ_ERRORS[code].message, receiptHandle: handle };
  }

  /** @internal the body of a message or dead letter, read back from disk if it lives there. */
  readBody(ref: BodyRef): MessageBody {
    return this.bodies.read(ref);
  }

  /** @internal how a body is written in the event log: inline, or its place on disk. */
  bodyFields(ref: BodyRef): { body?: string; bref?: DiskBodyRecord } {
    return isDiskBody(ref) ? { bref: diskRecord(ref) } : { body: this.bodyText(ref) };
  }

  /** @internal the body as text (the HTTP protocols carry text; bytes are read as UTF-8). */
  bodyText(ref: BodyRef): string {
    const body = this.bodies.read(ref);
    return typeof body === 'string'
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  }

  protected forget(m: Message): void {
    m.state = 'gone';
    m.topic.messages.delete(m.id);
    this.retainedMessages--;
    this.retainedBytes -= m.bodySize;
    this.bodies.release(m.body);
    // Queues and the due-event heap may still point at the message for a while: not at its body.
    m.body = '';
    if (this.tombstones.size >= MAX_TOMBSTONES) {
      this.tombstones.delete(this.tombstones.values().next().value!);
    }
    this.tombstones.add(m.id);
  }

  /** @internal deactivate a delivery (acked, expired, superseded or resolved). */
  settleDelivery(d: Delivery): void {
    if (!d.active) return;
    d.active = false;
    this.handles.delete(d.handle);
    if (d.subMsg !== undefined && d.subMsg.delivery === d) d.subMsg.delivery = undefined;
  }

  protected newHandle(messageId: string): string {
    return messageId + '-' + this.handlePrefix + (this.handleSeq++).toString(36);
  }

  /** @internal */
  newDelivery(
    handle: string,
    kind: ConsumeKind,
    msg: Message,
    sub: Subscription | undefined,
    subMsg: SubMessage | undefined,
    nextConsumeTime: number,
  ): Delivery {
    return { handle, kind, msg, sub, subMsg, partition: undefined, nextConsumeTime, active: true };
  }

  /** @internal finds (or, when allowed, creates) a topic. */
  topic(ns: string, name: string, create: boolean): Topic | undefined {
    const t = this.topics.get(key(ns, name));
    if (t !== undefined) return t;
    if (!this.autoCreate) throw new BrokerError('TopicNotExist');
    if (!create) return undefined;
    if (name.length > MQ_LIMITS.maxTopicLength) {
      throw new BrokerError(
        'InvalidArgument',
        `The length of topic name should be at most ${MQ_LIMITS.maxTopicLength} characters.`,
      );
    }
    if (this.logging && !this.replaying) this.log({ t: 'topic', ns, topic: name });
    return this.createTopic(ns, name, undefined);
  }

  /** @internal */
  createTopic(ns: string, name: string, type: string | undefined): Topic {
    const k = key(ns, name);
    let t = this.topics.get(k);
    if (t === undefined) {
      t = {
        ns,
        name,
        type,
        messages: new Map(),
        subs: new Map(),
        halfReady: new Fifo(),
        halfWaiters: new Set(),
        nextSeq: 0,
      };
      this.topics.set(k, t);
    }
    return t;
  }

  /** @internal */
  group(ns: string, id: string, create: boolean): Group | undefined {
    const g = this.groups.get(key(ns, id));
    if (g !== undefined) return g;
    if (!this.autoCreate) throw new BrokerError('SubscriptionNotExist');
    if (!create) return undefined;
    if (this.logging && !this.replaying) this.log({ t: 'group', ns, group: id });
    return this.createGroup(ns, id);
  }

  /** @internal */
  createGroup(ns: string, id: string, fifo = false): Group {
    const k = key(ns, id);
    let g = this.groups.get(k);
    if (g === undefined) {
      g = { ns, id, fifo, deadLetters: [] };
      this.groups.set(k, g);
    }
    return g;
  }

  /** @internal the group's view of the topic; a new one starts with every retained message. */
  subscription(topic: Topic, group: Group): Subscription {
    let sub = topic.subs.get(group.id);
    if (sub === undefined) {
      sub = {
        topic,
        group,
        states: new Map(),
        normal: undefined,
        orderly: undefined,
        waiters: new Set(),
      };
      topic.subs.set(group.id, sub);
      if (this.logging && !this.replaying) {
        this.log({ t: 'sub', ns: topic.ns, topic: topic.name, group: group.id });
      }
    }
    return sub;
  }

  /** @internal */
  isDeclared(ns: string, topic: string): boolean {
    return this.declaredTopics.has(key(ns, topic));
  }

  /** @internal */
  clockNow(): number {
    return this.clock.now();
  }
}

function key(ns: string, name: string): string {
  return ns + '\n' + name;
}
