/**
 * What happens to messages over time: fan-out to subscriptions, deliveries, expiry and
 * redelivery, dead letters, timer messages, transaction checks, retention, and serving parked
 * long polls when any of these makes a message deliverable.
 */
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import { bodyBytes } from '../store/body.store.js';
import type { BodyRef } from '../store/body.store.js';
import type { BrokerEvent, PublishedEvent } from '../store/store.js';
import { bodyMd5 } from '../../protocol/index.js';
import { BrokerResources } from './broker.resources.js';
import { DueEvents, type DueHandlers } from './due.events.js';
import type {
  ConsumeKind,
  Delivery,
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

export const EMPTY: ConsumedMessageDoc[] = [];
const NO_RESOLVE = (): void => undefined;

export abstract class BrokerLifecycle extends BrokerResources implements DueHandlers {
  /** @internal */
  readonly due: DueEvents = new DueEvents(this.clock, this);
  protected readonly deadlines = new WaitDeadlines((w) => this.settle(w, EMPTY));
  /** Events of the current operation, written in one append (one write(2) per consume/ack). */
  protected pendingLog: BrokerEvent[] = [];

  /**
   * @internal builds the message of a `pub` event: live publish (`body` already in the body store)
   * and replay (the body inline in the event, or its place on disk).
   */
  applyPublished(e: PublishedEvent, body?: BodyRef): Message {
    const topic = this.createTopic(e.ns, e.topic, undefined);
    const half = e.imm !== undefined;
    const ref = body ?? (e.bref !== undefined ? this.bodies.restore(e.bref) : (e.body ?? ''));
    const m: Message = {
      id: e.id,
      topic,
      body: ref,
      bodySize: bodyBytes(ref),
      bodyMd5: e.md5 ?? bodyMd5(this.bodyText(ref)),
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
    this.retainedMessages++;
    this.retainedBytes += m.bodySize;
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

  protected collect(
    topic: Topic,
    sub: Subscription | undefined,
    kind: ConsumeKind,
    max: number,
    tags: string[] | undefined,
    invisibleMs?: number,
  ): ConsumedMessageDoc[] {
    const out: ConsumedMessageDoc[] = [];
    if (kind === 'half') this.collectHalf(topic, max, out);
    else if (kind === 'orderly') collectOrderly(sub!, max, tags, out, this.deliver, invisibleMs);
    else collectNormal(sub!, max, tags, out, this.deliver, invisibleMs);
    if (this.logging && out.length > 0) this.flushLog();
    return out;
  }

  protected flushLog(): void {
    if (this.pendingLog.length === 0) return;
    const events = this.pendingLog;
    this.pendingLog = [];
    if (this.persisting) {
      this.appendedEvents += events.length;
      if (this.store.appendAll !== undefined) this.store.appendAll(events);
      else for (const e of events) this.store.append(e);
    }
    if (this.observer !== undefined) for (const e of events) this.observer(e);
  }

  protected readonly deliver: DeliverFn = (sub, sm, kind, partition, invisibleMs) => {
    const now = this.clock.now();
    const m = sm.msg;
    sm.consumedTimes++;
    if (sm.consumedTimes === 1) sm.firstConsumeTime = now;
    const next =
      now +
      (invisibleMs ??
        (kind === 'orderly' ? this.timings.orderlyInvisibilityMs : this.timings.invisibilityMs));
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
    return doc(m, this.bodyText(m.body), d.handle, sm.firstConsumeTime, next, sm.consumedTimes);
  };

  /** trans=pop: one check at a time per half message, shared by every group of the topic. */
  protected collectHalf(topic: Topic, max: number, out: ConsumedMessageDoc[]): void {
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
      out.push(doc(m, this.bodyText(m.body), d.handle, m.halfFirstCheck, next, m.halfChecks));
    }
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
    this.due.noteSettledEarly();
  }

  protected endHalf(m: Message): void {
    if (m.publishHandle !== undefined) {
      const pd = this.handles.get(m.publishHandle);
      if (pd !== undefined) this.settleDelivery(pd);
    }
    if (m.halfDelivery !== undefined) this.settleDelivery(m.halfDelivery);
    m.halfDelivery = undefined;
  }

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
      this.log({
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
      this.log({ t: 'drop', ns: m.topic.ns, topic: m.topic.name, id: m.id });
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
    // Dropped before its retention ended (evicted): its retain entry no longer applies.
    this.due.noteSettledEarly();
  }

  /** @internal */
  deadLetter(sub: Subscription, sm: SubMessage, at: number): void {
    sm.done = true;
    const m = sm.msg;
    if (this.logging && !this.replaying) {
      this.log({
        t: 'dead',
        ns: sub.topic.ns,
        topic: sub.topic.name,
        group: sub.group.id,
        id: m.id,
        at,
        n: sm.consumedTimes,
        first: sm.firstConsumeTime,
        ...this.bodyFields(m.body),
        tag: m.tag,
        props: m.props,
        pubAt: m.publishTime,
      });
    }
    // The dead letter outlives the message: it holds the body too.
    this.bodies.retain(m.body);
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
    if (!this.replaying) this.noteFinished(m);
  }

  /** A group has finished with this message (acked or dead-lettered): it may become evictable. */
  protected abstract noteFinished(m: Message): void;

  protected releasePartition(sub: Subscription, p: Partition): void {
    p.active--;
    if (p.active === 0 && sub.orderly !== undefined) {
      enqueuePartition(sub.orderly, p);
      this.wake(sub);
    }
  }

  protected queueHalfCheck(m: Message): void {
    if (m.halfQueued) return;
    m.halfQueued = true;
    m.topic.halfReady.push(m);
    this.wakeHalf(m.topic);
  }

  protected fanOut(topic: Topic, m: Message): void {
    for (const sub of topic.subs.values()) {
      offer(sub, m, false);
      this.wake(sub);
    }
  }

  /** Serve parked long polls of this subscription in arrival order. */
  protected wake(sub: Subscription): void {
    if (sub.waiters.size === 0) return;
    // Once an unfiltered request of a kind finds nothing, no request of that kind can.
    let normalDry = false;
    let orderlyDry = false;
    for (const w of sub.waiters) {
      if (w.kind === 'orderly' ? orderlyDry : normalDry) continue;
      const out = this.collect(sub.topic, sub, w.kind, w.max, w.tags, w.invisibleMs);
      if (out.length > 0) this.settle(w, out);
      else if (w.tags === undefined) {
        if (w.kind === 'orderly') orderlyDry = true;
        else normalDry = true;
        if (normalDry && orderlyDry) return;
      }
    }
  }

  protected wakeHalf(topic: Topic): void {
    for (const w of topic.halfWaiters) {
      const out = this.collect(topic, undefined, 'half', w.max, undefined);
      if (out.length === 0) return;
      this.settle(w, out);
    }
  }

  protected settle(w: Waiter, msgs: ConsumedMessageDoc[]): void {
    if (w.settled) return;
    w.settled = true;
    (w.sub === undefined ? w.topic.halfWaiters : w.sub.waiters).delete(w);
    w.cleanup?.();
    w.cleanup = undefined;
    const resolve = w.resolve;
    // The deadline heap may hold the waiter until its original deadline: keep nothing alive
    // through it (the resolve function holds the promise, which holds the delivered batch).
    w.resolve = NO_RESOLVE;
    this.deadlines.noteSettled();
    resolve(msgs);
  }

  /** @internal drops every message, delivery, half message and dead letter; waiters keep waiting. */
  applyReset(): void {
    this.handles.clear();
    this.tombstones.clear();
    this.due.clear();
    for (const t of this.topics.values()) {
      for (const m of t.messages.values()) this.bodies.release(m.body);
      t.messages.clear();
      t.halfReady.clear();
      for (const sub of t.subs.values()) {
        sub.states.clear();
        sub.normal = undefined;
        sub.orderly = undefined;
      }
    }
    for (const g of this.groups.values()) {
      for (const dl of g.deadLetters) this.bodies.release(dl.body);
      g.deadLetters.length = 0;
    }
    this.retainedMessages = 0;
    this.retainedBytes = 0;
  }
}

function doc(
  m: Message,
  body: string,
  handle: string,
  firstConsumeTime: number,
  nextConsumeTime: number,
  consumedTimes: number,
): ConsumedMessageDoc {
  return {
    messageId: m.id,
    receiptHandle: handle,
    bodyMd5: m.bodyMd5,
    body,
    publishTime: m.publishTime,
    firstConsumeTime,
    nextConsumeTime,
    consumedTimes,
    tag: m.tag,
    properties: m.props,
  };
}
