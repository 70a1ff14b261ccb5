/**
 * The broker state machine: topics, groups, deliveries, transactions and long polls.
 * Everything time-driven runs off one min-heap of due events with ONE clock.schedule armed for the
 * earliest; long polls share ONE real-time timer (WaitDeadlines). State changes are logged to the
 * Store as events and the state is a fold of them (see broker.replay.ts).
 *
 * One class, split into files by a chain of abstract base classes (each file one job), base first:
 * BrokerResources (topics, groups, handles) ← BrokerDelivery (handing messages out, waking long
 * polls) ← BrokerLifecycle (what time and transactions do to messages) ← BrokerControl (RocketMQ 5
 * delivery control) ← BrokerMaintenance (operator actions) ← BrokerHandback (undelivered answers)
 * ← BrokerRetention (the budget) ← BrokerConsume (consume requests) ← BrokerPersistence (replay,
 * compaction) ← Broker (options, publish, ack, transactions, close). Methods stay on one object:
 * the split costs nothing per call.
 *
 * Emulator choices where the cloud's behaviour is undocumented (PROTOCOL.md §9):
 * - A new group starts from every retained message (§9.8).
 * - Tag filters: a request never gets non-matching messages; they stay available to differently
 *   filtered requests of the same group (§9.7). For orderly consumes a partition whose next message
 *   does not match the filter is skipped as a whole, so order within the partition holds.
 * - Half messages are checked through ONE topic-level queue shared by every group: any group's
 *   trans=pop may receive a check, one check in flight per message (§9.9). Commit/rollback accept
 *   the publish handle or a check handle from any group of the topic.
 * - Unresolved half messages are rolled back after halfMaxAgeMs (§9.10).
 * - Orderly redelivery re-sends only the unacked messages of a partition (§9.11).
 * - Stale handles: unparsable or of an unknown message → ReceiptHandleError; of a known message
 *   (expired, superseded, used) → MessageNotExist (§9.5).
 * - A group should consume a topic in one mode; if it mixes normal and orderly consumes, each
 *   message still has at most one delivery in flight per group, and a redelivery goes back to the
 *   mode that delivered it.
 * - RocketMQ 5 semantics are the same model: a FIFO message group is a sharding key (orderly
 *   partition), a delivery timestamp a timer message, delivery attempts are ConsumedTimes, and the
 *   client-chosen invisible duration replaces the kind's default (broker.control.ts has the rest).
 */
import { bodyMd5, newMessageId } from '../../protocol/index.js';
import type { AckErrorItem, PublishResponseDoc } from '../../protocol/index.js';
import type {
  EmulatorGroupDeclaration,
  EmulatorTimings,
  EmulatorTopicDeclaration,
} from '../emulator.types.js';
import type { Clock } from '../clock/clock.js';
import { diskRecord, isDiskBody, MemoryBodyStore } from '../store/body.store.js';
import type { BodyStore } from '../store/body.store.js';
import { MemoryStore } from '../store/memory.store.js';
import type { PublishedEvent, Store } from '../store/store.js';
import { BrokerAdmin } from './broker.admin.js';
import { EMPTY } from './broker.delivery.js';
import { BrokerPersistence } from './broker.persistence.js';
import type { RetentionLimits } from './broker.retention.js';
import { checkMessageId, checkPublish, type PublishInput } from './publish.rules.js';
import type { Message } from './broker.state.js';
import type { BrokerObserver } from './broker.resources.js';

export type { ConsumeKind } from './broker.state.js';
export type { ConsumeRequest } from './broker.consume.js';
export type { BrokerObserver } from './broker.resources.js';

export interface BrokerOptions {
  clock: Clock;
  timings: EmulatorTimings;
  autoCreate: boolean;
  topics?: EmulatorTopicDeclaration[];
  groups?: EmulatorGroupDeclaration[];
  store?: Store;
  /** Sees every state change as it happens (the console's tap); see BrokerObserver. */
  observer?: BrokerObserver;
  /**
   * Online compaction of a durable log: once this many events were appended since the last
   * compaction, and they outnumber twice the live state, the log is rewritten (default 100 000).
   */
  compactAfterEvents?: number;
  /** Where bodies live (default in memory; DiskBodyStore in --data-dir mode). */
  bodies?: BodyStore;
  /** Retention budget (see broker.retention.ts); default unlimited. */
  maxRetainedMessages?: number;
  maxRetainedBytes?: number;
  /** Warnings (e.g. the retention budget dropping unconsumed messages). */
  warn?: (line: string) => void;
}

const DEFAULT_COMPACT_AFTER_EVENTS = 100_000;
const TOPIC_TYPES = new Set(['normal', 'orderly', 'transactional', 'delay']);

export class Broker extends BrokerPersistence {
  readonly admin: BrokerAdmin;
  protected readonly limits: RetentionLimits;
  protected readonly compactAfterEvents: number;
  private readonly warnLine: (line: string) => void;

  constructor(options: BrokerOptions) {
    super(
      options.clock,
      options.timings,
      options.autoCreate,
      options.store ?? new MemoryStore(),
      options.bodies ?? new MemoryBodyStore(),
      options.observer,
    );
    this.admin = new BrokerAdmin(this);
    this.limits = {
      maxMessages: options.maxRetainedMessages ?? Infinity,
      maxBytes: options.maxRetainedBytes ?? Infinity,
    };
    this.warnLine = options.warn ?? (() => undefined);
    this.compactAfterEvents = options.compactAfterEvents ?? DEFAULT_COMPACT_AFTER_EVENTS;
    for (const t of options.topics ?? []) {
      if (t.type !== undefined && !TOPIC_TYPES.has(t.type)) {
        throw new TypeError(
          `topics: type of ${t.name} must be normal, orderly, transactional or delay, got ${String(t.type)}`,
        );
      }
      this.declaredTopics.add(key(t.instanceId ?? '', t.name));
      this.createTopic(t.instanceId ?? '', t.name, t.type);
    }
    for (const g of options.groups ?? [])
      this.createGroup(g.instanceId ?? '', g.id, g.fifo === true);
    this.restore();
  }

  publish(ns: string, topicName: string, msg: PublishInput): PublishResponseDoc {
    this.assertOpen();
    this.due.runDue();
    const topic = this.topic(ns, topicName, true)!;
    const now = this.clock.now();
    const c = checkPublish(topicName, topic.type, msg, now);
    if (msg.messageId !== undefined) {
      checkMessageId(msg.messageId);
      // A producer's resend of a message we hold (e.g. after a timeout): stored once.
      const held = topic.messages.get(msg.messageId);
      if (held !== undefined) return publishedDoc(held);
    }
    const e: PublishedEvent = {
      t: 'pub',
      ns,
      topic: topicName,
      id: msg.messageId ?? newMessageId(),
      tag: c.tag,
      props: c.props,
      at: now,
      due: c.deliverAt !== undefined && c.deliverAt > now ? c.deliverAt : undefined,
      shard: c.shard,
    };
    if (c.immunityMs !== undefined) {
      e.imm = now + c.immunityMs;
      e.h = this.newHandle(e.id);
    }
    // On disk, the body is written before the event that points at it (see DiskBodyStore).
    const body = this.bodies.put(msg.body);
    if (this.logging) {
      // Set one by one: Object.assign of a fresh object would cost more than building the event.
      if (isDiskBody(body)) {
        e.bref = diskRecord(body);
        e.md5 = bodyMd5(msg.body);
      } else {
        e.body = this.bodyText(body);
      }
      this.log(e);
    }
    const m = this.applyPublished(e, body, topic);
    this.enforceBudget();
    if (this.logging) this.maybeCompact();
    return e.h === undefined
      ? { messageId: m.id, bodyMd5: m.bodyMd5 }
      : { messageId: m.id, bodyMd5: m.bodyMd5, receiptHandle: e.h };
  }

  ack(ns: string, topicName: string, groupId: string, handles: string[]): AckErrorItem[] {
    this.assertOpen();
    this.due.runDue();
    const topic = this.topic(ns, topicName, false);
    const group = this.group(ns, groupId, false);
    const sub = topic !== undefined && group !== undefined ? topic.subs.get(group.id) : undefined;
    let errors: AckErrorItem[] | undefined;
    for (const h of handles) {
      const d = this.handles.get(h);
      if (d === undefined || d.sub === undefined || d.sub !== sub) {
        (errors ??= []).push(this.handleError(topic, h));
        continue;
      }
      this.settleDelivery(d);
      this.due.noteSettledEarly();
      d.subMsg!.done = true;
      this.noteFinished(d.msg);
      // Queued, not written: a partition unlocked here may deliver at once, and that delivery's
      // events must land after this ack. flushLog keeps the order in one write.
      if (this.logging) {
        this.pendingLog.push({ t: 'ack', ns, topic: topicName, group: groupId, id: d.msg.id });
      }
      if (d.partition !== undefined) this.releasePartition(sub, d.partition);
    }
    if (this.logging) {
      this.flushLog();
      this.maybeCompact();
    }
    return errors ?? [];
  }

  /**
   * Hands back deliveries whose answer could not be written (the client left): the messages are
   * ready again at once, ConsumedTimes as before. Returns how many were released.
   */
  release(handles: readonly string[]): number {
    if (this.closed) return 0;
    this.due.runDue();
    return this.releaseUndelivered(handles);
  }

  commit(ns: string, topic: string, group: string, handle: string): AckErrorItem[] {
    return this.resolve(ns, topic, group, handle, 'commit');
  }

  rollback(ns: string, topic: string, group: string, handle: string): AckErrorItem[] {
    return this.resolve(ns, topic, group, handle, 'rollback');
  }

  private resolve(
    ns: string,
    topicName: string,
    groupId: string,
    handle: string,
    action: 'commit' | 'rollback',
  ): AckErrorItem[] {
    this.assertOpen();
    this.due.runDue();
    const topic = this.topic(ns, topicName, false);
    this.group(ns, groupId, false);
    const d = this.handles.get(handle);
    if (d === undefined || d.kind !== 'half' || d.msg.topic !== topic || d.msg.state !== 'half') {
      return [this.handleError(topic, handle)];
    }
    const now = this.clock.now();
    if (this.logging) this.log({ t: action, ns, topic: topicName, id: d.msg.id, at: now });
    if (action === 'commit') this.applyCommit(d.msg, now);
    else this.applyRollback(d.msg);
    if (this.logging) this.maybeCompact();
    return [];
  }

  /** @internal admin.reset() */
  resetAll(): void {
    this.assertOpen();
    if (this.logging) this.log({ t: 'reset' });
    this.applyReset();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.due.clear();
    for (const t of this.topics.values()) {
      for (const w of [...t.halfWaiters]) this.settle(w, EMPTY);
      for (const sub of t.subs.values()) for (const w of [...sub.waiters]) this.settle(w, EMPTY);
    }
    this.deadlines.clear();
    // Kept writes go out, and whoever waits for them is released, before the files close.
    this.commits.flush();
    this.store.close();
    this.bodies.close();
  }

  protected warn(line: string): void {
    this.warnLine(line);
  }
}

function key(ns: string, name: string): string {
  return ns + '\n' + name;
}

function publishedDoc(m: Message): PublishResponseDoc {
  return m.state === 'half' && m.publishHandle !== undefined
    ? { messageId: m.id, bodyMd5: m.bodyMd5, receiptHandle: m.publishHandle }
    : { messageId: m.id, bodyMd5: m.bodyMd5 };
}
