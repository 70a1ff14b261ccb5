/**
 * What happens to messages over time: fan-out to subscriptions, expiry and redelivery, dead
 * letters, timer messages, transaction checks, retention and reset. Whatever makes a message
 * deliverable wakes the parked long polls (broker.delivery.ts hands the messages out).
 */
import { bodyMd5 } from '../../protocol/index.js';
import { bodyBytes } from '../store/body.store.js';
import type { BodyRef } from '../store/body.store.js';
import type { PublishedEvent } from '../store/store.js';
import { BrokerDelivery } from './broker.delivery.js';
import { DueEvents, type DueHandlers } from './due.events.js';
import type {
  Delivery,
  Message,
  Partition,
  SubMessage,
  Subscription,
  Topic,
} from './broker.state.js';
import { enqueuePartition, offer } from './subscription.views.js';

export abstract class BrokerLifecycle extends BrokerDelivery implements DueHandlers {
  /** @internal */
  readonly due: DueEvents = new DueEvents(this.clock, this);

  /**
   * @internal builds the message of a `pub` event: live publish (`body` already in the body store)
   * and replay (the body inline in the event, or its place on disk). A live publish passes the
   * topic it has already looked up.
   */
  applyPublished(
    e: PublishedEvent,
    body?: BodyRef,
    topic: Topic = this.createTopic(e.ns, e.topic, undefined),
  ): Message {
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
