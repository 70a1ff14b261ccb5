/**
 * Handing messages out: collecting a consume's batch (normal, orderly, transaction checks), making
 * each delivery (handle, invisibility, its `dlv` event), writing the operation's events in one
 * append, and serving parked long polls when something becomes deliverable. Split from
 * broker.lifecycle.ts to keep files small; BrokerLifecycle extends this class.
 */
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import type { BrokerEvent } from '../store/store.js';
import { BrokerResources } from './broker.resources.js';
import type { DueEvents } from './due.events.js';
import type { ConsumeKind, Message, Subscription, Topic, Waiter } from './broker.state.js';
import { collectNormal, collectOrderly, type DeliverFn } from './subscription.views.js';
import { WaitDeadlines } from './wait.deadlines.js';

export const EMPTY: ConsumedMessageDoc[] = [];
const NO_RESOLVE = (): void => undefined;

export abstract class BrokerDelivery extends BrokerResources {
  /** @internal the due-event heap (BrokerLifecycle owns it: it handles what comes due). */
  abstract readonly due: DueEvents;
  protected readonly deadlines = new WaitDeadlines((w) => this.settle(w, EMPTY));
  /** Events of the current operation, written in one append (one write(2) per consume/ack). */
  protected pendingLog: BrokerEvent[] = [];

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
