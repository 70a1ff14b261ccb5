/**
 * Delivery control beyond consume/ack, protocol-neutral (RocketMQ 5 semantics that any front may
 * use): a new invisibility for an in-flight delivery, dead-lettering a delivery on request,
 * resolving a half message by its id, and what fronts need to know about topics and groups.
 * Split from broker.ts to keep files small; Broker extends this class.
 */
import type { AckErrorItem } from '../../protocol/index.js';
import { BrokerError } from './broker.errors.js';
import { BrokerLifecycle } from './broker.lifecycle.js';
import type { Delivery, Topic } from './broker.state.js';

/** A delivery whose invisibility was changed: its new handle and when it becomes visible again. */
export interface InvisibilityChange {
  receiptHandle: string;
  nextConsumeTime: number;
}

export abstract class BrokerControl extends BrokerLifecycle {
  protected closed = false;

  /**
   * Replaces an in-flight delivery by one with a new handle that becomes visible again after
   * `invisibleMs` (0 = at once). The old handle stops working; the delivery count is unchanged
   * (the next delivery counts as a new attempt). An orderly delivery keeps its partition locked.
   * Returns the per-handle error of ack() when the handle is not an in-flight delivery of the group.
   */
  changeInvisibility(
    ns: string,
    topicName: string,
    groupId: string,
    handle: string,
    invisibleMs: number,
  ): InvisibilityChange | AckErrorItem {
    this.assertOpen();
    if (!Number.isSafeInteger(invisibleMs) || invisibleMs < 0) {
      throw new BrokerError(
        'InvalidArgument',
        'The invisible duration must be an integer >= 0 ms.',
      );
    }
    this.due.runDue();
    const topic = this.topic(ns, topicName, false);
    const d = this.subscriptionDelivery(topic, ns, groupId, handle);
    if (d === undefined) return this.handleError(topic, handle);
    const sm = d.subMsg!;
    const now = this.clock.now();
    const next = now + invisibleMs;
    this.settleDelivery(d);
    this.due.noteSettledEarly();
    const renewed = this.newDelivery(this.newHandle(d.msg.id), d.kind, d.msg, d.sub, sm, next);
    // The orderly lock moves to the new delivery: the partition's active count is unchanged.
    renewed.partition = d.partition;
    sm.delivery = renewed;
    this.handles.set(renewed.handle, renewed);
    this.due.push(next, { kind: 'expire', delivery: renewed });
    if (this.logging) {
      this.log({
        t: 'dlv',
        ns,
        topic: topicName,
        g: groupId,
        id: d.msg.id,
        h: renewed.handle,
        next,
        n: sm.consumedTimes,
        first: sm.firstConsumeTime,
        kind: d.kind === 'orderly' ? 'orderly' : 'normal',
      });
    }
    // Visible now: expire at once, so that parked long polls get it without waiting for a timer.
    if (next <= now) this.due.runDue();
    if (this.logging) this.maybeCompact();
    return { receiptHandle: renewed.handle, nextConsumeTime: next };
  }

  /**
   * Moves an in-flight delivery's message to the group's dead-letter queue now (a consumer gave up
   * on it). Returns the per-handle errors of ack().
   */
  forwardToDeadLetter(
    ns: string,
    topicName: string,
    groupId: string,
    handle: string,
  ): AckErrorItem[] {
    this.assertOpen();
    this.due.runDue();
    const topic = this.topic(ns, topicName, false);
    const d = this.subscriptionDelivery(topic, ns, groupId, handle);
    if (d === undefined) return [this.handleError(topic, handle)];
    this.settleDelivery(d);
    this.due.noteSettledEarly();
    this.deadLetter(d.sub!, d.subMsg!, this.clock.now());
    if (d.partition !== undefined) this.releasePartition(d.sub!, d.partition);
    if (this.logging) this.maybeCompact();
    return [];
  }

  /**
   * Commits or rolls back a half message by its id, whatever its handles (a RocketMQ 5 producer ends
   * a transaction with the message id at any time, and answers checks the same way). Returns false
   * when the topic holds no such half message (unknown, or already resolved).
   */
  endTransaction(
    ns: string,
    topicName: string,
    messageId: string,
    action: 'commit' | 'rollback',
  ): boolean {
    this.assertOpen();
    this.due.runDue();
    const m = this.topic(ns, topicName, false)?.messages.get(messageId);
    if (m === undefined || m.state !== 'half') return false;
    const now = this.clock.now();
    if (this.logging) this.log({ t: action, ns, topic: topicName, id: m.id, at: now });
    if (action === 'commit') this.applyCommit(m, now);
    else this.applyRollback(m);
    if (this.logging) this.maybeCompact();
    return true;
  }

  /**
   * Declared type of a topic (`normal`, `orderly`, `transactional`, `delay`; undefined = any kind of
   * message). Throws TopicNotExist in strict mode for an unknown topic; does not create it.
   */
  topicType(ns: string, topicName: string): string | undefined {
    this.assertOpen();
    return this.topic(ns, topicName, false)?.type;
  }

  /**
   * Whether the group was declared FIFO (ordered consumption of message groups). Throws
   * SubscriptionNotExist in strict mode for an unknown group; does not create it.
   */
  isFifoGroup(ns: string, groupId: string): boolean {
    this.assertOpen();
    return this.group(ns, groupId, false)?.fifo === true;
  }

  protected assertOpen(): void {
    if (this.closed) throw new BrokerError('InternalError', 'The emulator broker is closed.');
  }

  /** Rewrites the durable log when it has grown well beyond the live state (Broker implements it). */
  protected abstract maybeCompact(): void;

  /** The in-flight delivery of this group's subscription that `handle` names, if any. */
  private subscriptionDelivery(
    topic: Topic | undefined,
    ns: string,
    groupId: string,
    handle: string,
  ): Delivery | undefined {
    const group = this.group(ns, groupId, false);
    const sub = topic !== undefined && group !== undefined ? topic.subs.get(group.id) : undefined;
    const d = this.handles.get(handle);
    return d !== undefined && d.sub !== undefined && d.sub === sub ? d : undefined;
  }
}
