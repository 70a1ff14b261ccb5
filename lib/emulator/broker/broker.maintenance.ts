/**
 * Operator actions of the admin API (and the console): purge a topic, resend or purge dead letters.
 * Each action is logged as one event and applied by the same `apply*` method on replay, so a
 * restart from a durable log never brings back a purged message or a resent dead letter.
 */
import { BrokerError } from './broker.errors.js';
import { BrokerControl } from './broker.control.js';
import type { Group, Topic } from './broker.state.js';
import { offer } from './subscription.views.js';

export interface ResendOutcome {
  /** Ids handed back to the group (with fresh retries). */
  resent: string[];
  /** Ids that could not be resent, and why. */
  failed: { messageId: string; reason: string }[];
}

export abstract class BrokerMaintenance extends BrokerControl {
  /** Drops every message of the topic (ready, in flight, timer, half); returns how many. */
  purgeTopic(ns: string, topicName: string): number {
    this.assertOpen();
    this.due.runDue();
    const topic = this.topics.get(ns + '\n' + topicName);
    if (topic === undefined) throw new BrokerError('TopicNotExist');
    const count = topic.messages.size;
    if (this.logging) this.log({ t: 'purge', ns, topic: topicName });
    this.applyPurge(topic);
    return count;
  }

  /**
   * Gives dead letters of `group` for `topic` back to that group only (as the cloud's console
   * does), with ConsumedTimes starting again at 0. Without ids: every such dead letter. A dead
   * letter whose message is past its retention cannot be resent (the body is kept, the message
   * is not) and is reported in `failed`.
   */
  resendDeadLetters(
    ns: string,
    topicName: string,
    groupId: string,
    ids?: readonly string[],
  ): ResendOutcome {
    this.assertOpen();
    this.due.runDue();
    const group = this.groups.get(ns + '\n' + groupId);
    if (group === undefined) throw new BrokerError('SubscriptionNotExist');
    const topic = this.topics.get(ns + '\n' + topicName);
    const wanted = ids === undefined ? undefined : new Set(ids);
    const outcome: ResendOutcome = { resent: [], failed: [] };
    const found = new Set<string>();
    for (const dl of [...group.deadLetters]) {
      if (dl.topic !== topicName || (wanted !== undefined && !wanted.has(dl.id))) continue;
      if (found.has(dl.id)) continue;
      found.add(dl.id);
      const m = topic?.messages.get(dl.id);
      if (m === undefined || m.state !== 'live') {
        outcome.failed.push({
          messageId: dl.id,
          reason: 'the message is past its retention period; only its dead-letter copy is left',
        });
        continue;
      }
      if (this.logging) {
        const at = this.clock.now();
        this.log({ t: 'resend', ns, topic: topicName, group: groupId, id: dl.id, at });
      }
      this.applyResend(group, topic!, dl.id);
      outcome.resent.push(dl.id);
    }
    for (const id of wanted ?? []) {
      if (!found.has(id)) {
        outcome.failed.push({
          messageId: id,
          reason: `not a dead letter of group ${groupId} for topic ${topicName}`,
        });
      }
    }
    return outcome;
  }

  /** Deletes dead letters of `group` for `topic` (all, or those ids); returns how many. */
  purgeDeadLetters(
    ns: string,
    topicName: string,
    groupId: string,
    ids?: readonly string[],
  ): number {
    this.assertOpen();
    const group = this.groups.get(ns + '\n' + groupId);
    if (group === undefined) throw new BrokerError('SubscriptionNotExist');
    const wanted = ids === undefined ? undefined : new Set(ids);
    let count = 0;
    for (const dl of group.deadLetters) {
      if (dl.topic === topicName && (wanted === undefined || wanted.has(dl.id))) count++;
    }
    if (count === 0) return 0;
    if (this.logging) {
      this.log({
        t: 'dlpurge',
        ns,
        topic: topicName,
        group: groupId,
        ...(ids !== undefined ? { ids: [...ids] } : {}),
      });
    }
    this.applyDeadLetterPurge(group, topicName, ids);
    return count;
  }

  /** @internal */
  applyPurge(topic: Topic): void {
    for (const m of [...topic.messages.values()]) {
      if (m.state === 'half') {
        this.endHalf(m);
        this.forget(m);
      } else {
        this.applyDrop(m);
      }
    }
    topic.halfReady.clear();
    // Every queue now holds only gone messages: let the views be rebuilt (empty) when next used.
    for (const sub of topic.subs.values()) {
      sub.normal = undefined;
      sub.orderly = undefined;
    }
  }

  /** @internal */
  applyResend(group: Group, topic: Topic, id: string): void {
    const i = group.deadLetters.findIndex((dl) => dl.topic === topic.name && dl.id === id);
    if (i !== -1) this.bodies.release(group.deadLetters.splice(i, 1)[0]!.body);
    const m = topic.messages.get(id);
    if (m === undefined || m.state !== 'live') return;
    const sub = this.subscription(topic, group);
    const sm = sub.states.get(id);
    if (sm !== undefined) {
      if (sm.delivery !== undefined) this.settleDelivery(sm.delivery);
      // No per-group state = never delivered: available again, counters from zero.
      sub.states.delete(id);
    }
    offer(sub, m, false);
    this.wake(sub);
  }

  /** @internal */
  applyDeadLetterPurge(group: Group, topic: string, ids: readonly string[] | undefined): void {
    const wanted = ids === undefined ? undefined : new Set(ids);
    let kept = 0;
    for (const dl of group.deadLetters) {
      if (dl.topic === topic && (wanted === undefined || wanted.has(dl.id))) {
        // The dead letter held its body (on disk, a reference in the body store).
        this.bodies.release(dl.body);
        continue;
      }
      group.deadLetters[kept++] = dl;
    }
    group.deadLetters.length = kept;
  }
}
