/**
 * The broker state machine: topics, groups, deliveries, transactions and long polls.
 * Everything time-driven runs off one min-heap of due events with ONE clock.schedule armed for the
 * earliest; long polls share ONE real-time timer (WaitDeadlines). State changes are logged to the
 * Store as events and the state is a fold of them (see broker.replay.ts).
 */
import { randomBytes } from 'node:crypto';
import { bodyMd5, MQ_ERRORS, MQ_LIMITS, newMessageId } from '../../protocol/index.js';
import type { AckErrorItem, ConsumedMessageDoc, PublishResponseDoc } from '../../protocol/index.js';
import type {
  EmulatorGroupDeclaration,
  EmulatorTimings,
  EmulatorTopicDeclaration,
} from '../emulator.types.js';
import type { Clock } from '../clock/clock.js';
import { MemoryStore } from '../store/memory.store.js';
import type { BrokerEvent, PublishedEvent, Store } from '../store/store.js';
import { BrokerError } from './broker.errors.js';
import { BrokerAdmin } from './broker.admin.js';
import { DueEvents } from './due.events.js';
import { Fifo } from './fifo.js';
import { checkPublish, type PublishInput } from './publish.rules.js';
import { applyEvent, snapshotEvents } from './broker.replay.js';
import type {
  ConsumeKind,
  Delivery,
  Group,
  Message,
  Partition,
  SubMessage,
  Subscription,
  Topic,
  Waiter,
} from './broker.state.js';
import {
  collectNormal,
  collectOrderly,
  enqueuePartition,
  offer,
  type DeliverFn,
} from './subscription.views.js';
import { WaitDeadlines } from './wait.deadlines.js';

export type { ConsumeKind } from './broker.state.js';

export interface BrokerOptions {
  clock: Clock;
  timings: EmulatorTimings;
  autoCreate: boolean;
  topics?: EmulatorTopicDeclaration[];
  groups?: EmulatorGroupDeclaration[];
  store?: Store;
}

export interface ConsumeRequest {
  ns: string;
  topic: string;
  group: string;
  kind: ConsumeKind;
  max: number;
  tags?: string[];
}

const TOPIC_TYPES = new Set(['normal', 'orderly', 'transactional', 'delay']);
/** Ids of resolved or dropped messages remembered so stale handles answer MessageNotExist. */
const MAX_TOMBSTONES = 100_000;

const EMPTY: ConsumedMessageDoc[] = [];

export class Broker {
  readonly clock: Clock;
  readonly timings: EmulatorTimings;
  readonly autoCreate: boolean;
  readonly admin: BrokerAdmin;
  /** @internal state, shared with admin and replay */
  readonly topics = new Map<string, Topic>();
  /** @internal */
  readonly groups = new Map<string, Group>();
  /** @internal active receipt handles (deliveries before their NextConsumeTime, publish handles) */
  readonly handles = new Map<string, Delivery>();
  /** @internal */
  readonly tombstones = new Set<string>();
  /** @internal */
  readonly due: DueEvents;
  private readonly store: Store;
  /** False for MemoryStore: skip building events nobody keeps. */
  private readonly logging: boolean;
  private replaying = false;
  private readonly declaredTopics = new Set<string>();
  private readonly deadlines: WaitDeadlines;
  private readonly handlePrefix = randomBytes(6).toString('base64url');
  private handleSeq = 0;
  private closed = false;

  constructor(options: BrokerOptions) {
    this.clock = options.clock;
    this.timings = options.timings;
    this.autoCreate = options.autoCreate;
    this.store = options.store ?? new MemoryStore();
    this.logging = this.store.persistent !== false;
    this.due = new DueEvents(this.clock, this);
    this.deadlines = new WaitDeadlines((w) => this.settle(w, EMPTY));
    this.admin = new BrokerAdmin(this);
    for (const t of options.topics ?? []) {
      if (t.type !== undefined && !TOPIC_TYPES.has(t.type)) {
        throw new TypeError(
          `topics: type of ${t.name} must be normal, orderly, transactional or delay, got ${String(t.type)}`,
        );
      }
      this.declaredTopics.add(key(t.instanceId ?? '', t.name));
      this.createTopic(t.instanceId ?? '', t.name, t.type);
    }
    for (const g of options.groups ?? []) this.createGroup(g.instanceId ?? '', g.id);
    this.restore();
  }

  // ---- publish -------------------------------------------------------------------------------

  publish(ns: string, topicName: string, msg: PublishInput): PublishResponseDoc {
    this.assertOpen();
    this.due.runDue();
    const topic = this.topic(ns, topicName, true)!;
    const now = this.clock.now();
    const c = checkPublish(topicName, topic.type, msg, now);
    const e: PublishedEvent = {
      t: 'pub',
      ns,
      topic: topicName,
      id: newMessageId(),
      body: msg.body,
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
    if (this.logging) this.store.append(e);
    const m = this.applyPublished(e);
    return e.h === undefined
      ? { messageId: m.id, bodyMd5: m.bodyMd5 }
      : { messageId: m.id, bodyMd5: m.bodyMd5, receiptHandle: e.h };
  }

  /** @internal builds the message of a `pub` event (live publish and replay). */
  applyPublished(e: PublishedEvent): Message {
    const topic = this.createTopic(e.ns, e.topic, undefined);
    const half = e.imm !== undefined;
    const m: Message = {
      id: e.id,
      topic,
      body: e.body,
      bodyMd5: bodyMd5(e.body),
      tag: e.tag,
      props: e.props,
      publishTime: e.at,
      shard: e.shard,
      seq: topic.nextSeq++,
      state: half ? 'half' : 'live',
      visibleAt: e.due ?? e.at,
      retainUntil: (e.due ?? e.at) + this.timings.retentionMs,
      delayed: e.due !== undefined,
      immunityUntil: e.imm ?? 0,
      publishHandle: e.h,
      halfChecks: 0,
      halfFirstCheck: 0,
      halfDelivery: undefined,
      halfQueued: false,
    };
    topic.messages.set(m.id, m);
    if (half) {
      const d = this.newDelivery(e.h!, 'half', m, undefined, undefined, m.immunityUntil);
      this.handles.set(d.handle, d);
      this.due.push(m.immunityUntil, { kind: 'immunity', msg: m });
      this.due.push(e.at + this.timings.halfMaxAgeMs, { kind: 'halfMaxAge', msg: m });
    } else {
      this.due.push(m.retainUntil, { kind: 'retain', msg: m });
      if (m.delayed) this.due.push(m.visibleAt, { kind: 'timer', msg: m });
      else this.fanOut(topic, m);
    }
    return m;
  }

  // ---- consume -------------------------------------------------------------------------------

  consume(
    req: ConsumeRequest,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<ConsumedMessageDoc[]> {
    try {
      this.assertOpen();
      this.due.runDue();
      const topic = this.topic(req.ns, req.topic, true)!;
      const group = this.group(req.ns, req.group, true)!;
      const max = req.max;
      if (
        !Number.isInteger(max) ||
        max < MQ_LIMITS.minNumOfMessages ||
        max > MQ_LIMITS.maxNumOfMessages
      ) {
        throw new BrokerError(
          'InvalidArgument',
          `The value of numOfMessages should between ${MQ_LIMITS.minNumOfMessages} and ${MQ_LIMITS.maxNumOfMessages}.`,
        );
      }
      const tags = normalizeTags(req.tags);
      const sub = req.kind === 'half' ? undefined : this.subscription(topic, group);
      const out = this.collect(topic, sub, req.kind, max, tags);
      if (out.length > 0 || !(waitMs > 0) || signal?.aborted === true) return Promise.resolve(out);
      return new Promise((resolve) => {
        const w: Waiter = {
          sub,
          topic,
          kind: req.kind,
          max,
          tags,
          deadline: Date.now() + waitMs,
          resolve,
          settled: false,
          cleanup: undefined,
        };
        (sub === undefined ? topic.halfWaiters : sub.waiters).add(w);
        if (signal !== undefined) {
          const onAbort = (): void => this.settle(w, EMPTY);
          signal.addEventListener('abort', onAbort, { once: true });
          w.cleanup = () => signal.removeEventListener('abort', onAbort);
        }
        this.deadlines.add(w);
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private collect(
    topic: Topic,
    sub: Subscription | undefined,
    kind: ConsumeKind,
    max: number,
    tags: string[] | undefined,
  ): ConsumedMessageDoc[] {
    const out: ConsumedMessageDoc[] = [];
    if (kind === 'half') this.collectHalf(topic, max, out);
    else if (kind === 'orderly') collectOrderly(sub!, max, tags, out, this.deliver);
    else collectNormal(sub!, max, tags, out, this.deliver);
    if (this.logging && out.length > 0) this.flushDeliveries();
    return out;
  }

  private pendingLog: BrokerEvent[] = [];

  private flushDeliveries(): void {
    const events = this.pendingLog;
    this.pendingLog = [];
    if (this.store.appendAll !== undefined) this.store.appendAll(events);
    else for (const e of events) this.store.append(e);
  }

  private readonly deliver: DeliverFn = (sub, sm, kind, partition) => {
    const now = this.clock.now();
    const m = sm.msg;
    sm.consumedTimes++;
    if (sm.consumedTimes === 1) sm.firstConsumeTime = now;
    const next =
      now + (kind === 'orderly' ? this.timings.orderlyInvisibilityMs : this.timings.invisibilityMs);
    const d = this.newDelivery(this.newHandle(m.id), kind, m, sub, sm, next);
    d.partition = partition;
    sm.delivery = d;
    this.handles.set(d.handle, d);
    this.due.push(next, { kind: 'expire', delivery: d });
    if (this.logging) {
      this.pendingLog.push({
        t: 'dlv',
        ns: sub.topic.ns,
        topic: sub.topic.name,
        g: sub.group.id,
        id: m.id,
        h: d.handle,
        next,
        n: sm.consumedTimes,
        first: sm.firstConsumeTime,
        kind,
      });
    }
    return doc(m, d.handle, sm.firstConsumeTime, next, sm.consumedTimes);
  };

  /** trans=pop: one check at a time per half message, shared by every group of the topic. */
  private collectHalf(topic: Topic, max: number, out: ConsumedMessageDoc[]): void {
    const now = this.clock.now();
    while (out.length < max) {
      const m = topic.halfReady.shift();
      if (m === undefined) return;
      m.halfQueued = false;
      if (m.state !== 'half' || m.halfDelivery !== undefined) continue;
      m.halfChecks++;
      if (m.halfChecks === 1) m.halfFirstCheck = now;
      const next = now + this.timings.halfInvisibilityMs;
      const d = this.newDelivery(this.newHandle(m.id), 'half', m, undefined, undefined, next);
      m.halfDelivery = d;
      this.handles.set(d.handle, d);
      this.due.push(next, { kind: 'expire', delivery: d });
      if (this.logging) {
        this.pendingLog.push({
          t: 'dlv',
          ns: topic.ns,
          topic: topic.name,
          id: m.id,
          h: d.handle,
          next,
          n: m.halfChecks,
          first: m.halfFirstCheck,
          kind: 'half',
        });
      }
      out.push(doc(m, d.handle, m.halfFirstCheck, next, m.halfChecks));
    }
  }

  // ---- ack / commit / rollback ---------------------------------------------------------------

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
      d.subMsg!.done = true;
      if (this.logging) {
        this.store.append({ t: 'ack', ns, topic: topicName, group: groupId, id: d.msg.id });
      }
      if (d.partition !== undefined) this.releasePartition(sub, d.partition);
    }
    return errors ?? [];
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
    if (this.logging) this.store.append({ t: action, ns, topic: topicName, id: d.msg.id, at: now });
    if (action === 'commit') this.applyCommit(d.msg, now);
    else this.applyRollback(d.msg);
    return [];
  }

  /** @internal */
  applyCommit(m: Message, at: number): void {
    if (m.state !== 'half') return;
    this.endHalf(m);
    m.state = 'live';
    m.visibleAt = at;
    m.retainUntil = m.publishTime + this.timings.retentionMs;
    this.due.push(Math.max(at, m.retainUntil), { kind: 'retain', msg: m });
    this.fanOut(m.topic, m);
  }

  /** @internal */
  applyRollback(m: Message): void {
    if (m.state !== 'half') return;
    this.endHalf(m);
    this.forget(m);
  }

  private endHalf(m: Message): void {
    if (m.publishHandle !== undefined) {
      const pd = this.handles.get(m.publishHandle);
      if (pd !== undefined) this.settleDelivery(pd);
    }
    if (m.halfDelivery !== undefined) this.settleDelivery(m.halfDelivery);
    m.halfDelivery = undefined;
  }

  /** Unknown or garbage handle → ReceiptHandleError; a handle of a message we know → MessageNotExist. */
  private handleError(topic: Topic | undefined, handle: string): AckErrorItem {
    const dash = handle.indexOf('-');
    const id = dash > 0 ? handle.slice(0, dash) : '';
    const known =
      topic !== undefined && id !== '' && (topic.messages.has(id) || this.tombstones.has(id));
    const code = known ? 'MessageNotExist' : 'ReceiptHandleError';
    return { code, message: MQ_ERRORS[code].message, receiptHandle: handle };
  }

  // ---- due events (called by DueEvents in time order) ------------------------------------------

  /** @internal a delivery reached its NextConsumeTime unacked. */
  onExpire(d: Delivery): void {
    if (!d.active) return;
    this.settleDelivery(d);
    const m = d.msg;
    if (d.sub === undefined) {
      // Half message: publish handle or check handle ran out; offer the check again.
      if (m.halfDelivery === d) m.halfDelivery = undefined;
      if (m.state === 'half' && d.handle !== m.publishHandle) this.queueHalfCheck(m);
      return;
    }
    const sub = d.sub;
    const sm = d.subMsg!;
    if (m.state === 'live' && !sm.done) {
      if (sm.consumedTimes >= this.timings.maxRetries + 1) {
        this.deadLetter(sub, sm, this.clock.now());
      } else if (d.kind === 'normal') {
        offer(sub, m, true);
        this.wake(sub);
      }
    }
    if (d.partition !== undefined) this.releasePartition(sub, d.partition);
  }

  /** @internal a timer message came due. */
  onTimer(m: Message): void {
    if (m.state !== 'live' || !m.delayed) return;
    m.delayed = false;
    this.fanOut(m.topic, m);
  }

  /** @internal the immunity window of a half message ended. */
  onImmunity(m: Message): void {
    if (m.state !== 'half') return;
    if (m.publishHandle !== undefined) {
      const pd = this.handles.get(m.publishHandle);
      if (pd !== undefined) this.settleDelivery(pd);
    }
    if (m.halfDelivery === undefined) this.queueHalfCheck(m);
  }

  /** @internal an unresolved half message reached halfMaxAgeMs: rolled back. */
  onHalfMaxAge(m: Message): void {
    if (m.state !== 'half') return;
    if (this.logging && !this.replaying) {
      this.store.append({
        t: 'rollback',
        ns: m.topic.ns,
        topic: m.topic.name,
        id: m.id,
        at: this.clock.now(),
      });
    }
    this.applyRollback(m);
  }

  /** @internal retention ended. */
  onRetain(m: Message, now: number): void {
    if (m.state !== 'live' || now < m.retainUntil) return;
    if (this.logging && !this.replaying) {
      this.store.append({ t: 'drop', ns: m.topic.ns, topic: m.topic.name, id: m.id });
    }
    this.applyDrop(m);
  }

  /** @internal */
  applyDrop(m: Message): void {
    if (m.state === 'gone') return;
    for (const sub of m.topic.subs.values()) {
      const sm = sub.states.get(m.id);
      if (sm === undefined) continue;
      sub.states.delete(m.id);
      const d = sm.delivery;
      if (d !== undefined) {
        this.settleDelivery(d);
        if (d.partition !== undefined) this.releasePartition(sub, d.partition);
      }
    }
    this.forget(m);
  }

  private forget(m: Message): void {
    m.state = 'gone';
    m.topic.messages.delete(m.id);
    if (this.tombstones.size >= MAX_TOMBSTONES) {
      this.tombstones.delete(this.tombstones.values().next().value!);
    }
    this.tombstones.add(m.id);
  }

  /** @internal */
  deadLetter(sub: Subscription, sm: SubMessage, at: number): void {
    sm.done = true;
    const m = sm.msg;
    if (this.logging && !this.replaying) {
      this.store.append({
        t: 'dead',
        ns: sub.topic.ns,
        topic: sub.topic.name,
        group: sub.group.id,
        id: m.id,
        at,
        n: sm.consumedTimes,
        first: sm.firstConsumeTime,
        body: m.body,
        tag: m.tag,
        props: m.props,
        pubAt: m.publishTime,
      });
    }
    sub.group.deadLetters.push({
      topic: sub.topic.name,
      id: m.id,
      body: m.body,
      tag: m.tag,
      props: m.props,
      publishTime: m.publishTime,
      consumedTimes: sm.consumedTimes,
      firstConsumeTime: sm.firstConsumeTime,
      deadAt: at,
    });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** @internal deactivate a delivery (acked, expired, superseded or resolved). */
  settleDelivery(d: Delivery): void {
    if (!d.active) return;
    d.active = false;
    this.handles.delete(d.handle);
    if (d.subMsg !== undefined && d.subMsg.delivery === d) d.subMsg.delivery = undefined;
  }

  private releasePartition(sub: Subscription, p: Partition): void {
    p.active--;
    if (p.active === 0 && sub.orderly !== undefined) {
      enqueuePartition(sub.orderly, p);
      this.wake(sub);
    }
  }

  private queueHalfCheck(m: Message): void {
    if (m.halfQueued) return;
    m.halfQueued = true;
    m.topic.halfReady.push(m);
    this.wakeHalf(m.topic);
  }

  private fanOut(topic: Topic, m: Message): void {
    for (const sub of topic.subs.values()) {
      offer(sub, m, false);
      this.wake(sub);
    }
  }

  /** Serve parked long polls of this subscription in arrival order. */
  private wake(sub: Subscription): void {
    if (sub.waiters.size === 0) return;
    // Once an unfiltered request of a kind finds nothing, no request of that kind can.
    let normalDry = false;
    let orderlyDry = false;
    for (const w of sub.waiters) {
      if (w.kind === 'orderly' ? orderlyDry : normalDry) continue;
      const out = this.collect(sub.topic, sub, w.kind, w.max, w.tags);
      if (out.length > 0) this.settle(w, out);
      else if (w.tags === undefined) {
        if (w.kind === 'orderly') orderlyDry = true;
        else normalDry = true;
        if (normalDry && orderlyDry) return;
      }
    }
  }

  private wakeHalf(topic: Topic): void {
    for (const w of topic.halfWaiters) {
      const out = this.collect(topic, undefined, 'half', w.max, undefined);
      if (out.length === 0) return;
      this.settle(w, out);
    }
  }

  private settle(w: Waiter, msgs: ConsumedMessageDoc[]): void {
    if (w.settled) return;
    w.settled = true;
    (w.sub === undefined ? w.topic.halfWaiters : w.sub.waiters).delete(w);
    w.cleanup?.();
    w.resolve(msgs);
  }

  private newHandle(messageId: string): string {
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
    if (this.logging && !this.replaying) this.store.append({ t: 'topic', ns, topic: name });
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
    if (this.logging && !this.replaying) this.store.append({ t: 'group', ns, group: id });
    return this.createGroup(ns, id);
  }

  /** @internal */
  createGroup(ns: string, id: string): Group {
    const k = key(ns, id);
    let g = this.groups.get(k);
    if (g === undefined) {
      g = { ns, id, deadLetters: [] };
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
        this.store.append({ t: 'sub', ns: topic.ns, topic: topic.name, group: group.id });
      }
    }
    return sub;
  }

  /** @internal */
  isDeclared(ns: string, topic: string): boolean {
    return this.declaredTopics.has(key(ns, topic));
  }

  /** @internal drops every message, delivery, half message and dead letter; waiters keep waiting. */
  applyReset(): void {
    this.handles.clear();
    this.tombstones.clear();
    this.due.clear();
    for (const t of this.topics.values()) {
      t.messages.clear();
      t.halfReady.clear();
      for (const sub of t.subs.values()) {
        sub.states.clear();
        sub.normal = undefined;
        sub.orderly = undefined;
      }
    }
    for (const g of this.groups.values()) g.deadLetters.length = 0;
  }

  /** @internal admin.reset() */
  resetAll(): void {
    this.assertOpen();
    if (this.logging) this.store.append({ t: 'reset' });
    this.applyReset();
  }

  /** @internal */
  clockNow(): number {
    return this.clock.now();
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
    this.store.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new BrokerError('InternalError', 'The emulator broker is closed.');
  }

  /** Replays the store's log, then rewrites it with only the live state. */
  private restore(): void {
    const events = this.store.load();
    if (events.length > 0) {
      this.replaying = true;
      try {
        for (const e of events) applyEvent(this, e);
      } finally {
        this.replaying = false;
      }
    }
    if (this.logging) this.store.compact(snapshotEvents(this));
    this.due.runDue();
  }
}

function key(ns: string, name: string): string {
  return ns + '\n' + name;
}

function normalizeTags(tags: string[] | undefined): string[] | undefined {
  if (tags === undefined || tags.length === 0) return undefined;
  for (const t of tags) if (t === '*' || t === '') return undefined;
  return tags;
}

function doc(
  m: Message,
  handle: string,
  firstConsumeTime: number,
  nextConsumeTime: number,
  consumedTimes: number,
): ConsumedMessageDoc {
  return {
    messageId: m.id,
    receiptHandle: handle,
    bodyMd5: m.bodyMd5,
    body: m.body,
    publishTime: m.publishTime,
    firstConsumeTime,
    nextConsumeTime,
    consumedTimes,
    tag: m.tag,
    properties: m.props,
  };
}
