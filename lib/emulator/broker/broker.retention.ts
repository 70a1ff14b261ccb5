/**
 * The retention budget: a deviation from the cloud, which keeps every message for 3 days whatever
 * the volume. The emulator keeps at most `maxRetainedMessages` messages and `maxRetainedBytes` of
 * their bodies, so a long run at a steady rate stays within a memory (or disk) budget. Over
 * budget, it drops first the messages every group of their topic has finished with (acked or
 * dead-lettered), oldest first; only if that is not enough, the oldest retained messages whatever
 * their state, with a warning. A drop is an early end of retention: logged like one in --data-dir
 * mode, answered like one (a late ack gets MessageNotExist).
 */
import { Fifo } from './fifo.js';
import { BrokerHandback } from './broker.handback.js';
import type { Message } from './broker.state.js';

export interface RetentionLimits {
  maxMessages: number;
  maxBytes: number;
}

export interface RetentionStats {
  messages: number;
  bytes: number;
  maxMessages: number;
  maxBytes: number;
  /** Dropped early, every group done with them. */
  evictedFinished: number;
  /** Dropped early although a group had not finished with them (the budget was too small). */
  evictedUnfinished: number;
}

/** How often (in unfinished evictions) the warning is repeated. */
const WARN_EVERY = 10_000;

export abstract class BrokerRetention extends BrokerHandback {
  /** Messages that every group had finished with when it happened, in that order. */
  private readonly finished = new Fifo<Message>();
  private evictedFinished = 0;
  private evictedUnfinished = 0;
  protected abstract readonly limits: RetentionLimits;
  protected abstract warn(line: string): void;

  /** @internal what the budget holds and what it dropped (admin health). */
  retention(): RetentionStats {
    return {
      messages: this.retainedMessages,
      bytes: this.retainedBytes,
      maxMessages: this.limits.maxMessages,
      maxBytes: this.limits.maxBytes,
      evictedFinished: this.evictedFinished,
      evictedUnfinished: this.evictedUnfinished,
    };
  }

  protected noteFinished(m: Message): void {
    if (m.state === 'live' && this.everyGroupDone(m)) this.finished.push(m);
  }

  /** After replay: every message the groups have all finished with is evictable. */
  protected rebuildFinished(): void {
    this.finished.clear();
    for (const t of this.topics.values()) {
      for (const m of t.messages.values()) {
        if (m.state === 'live' && t.subs.size > 0 && this.everyGroupDone(m)) this.finished.push(m);
      }
    }
  }

  /** Drops messages until the budget holds (called after each publish). */
  protected enforceBudget(): void {
    const { maxMessages, maxBytes } = this.limits;
    while (this.retainedMessages > maxMessages || this.retainedBytes > maxBytes) {
      const m = this.nextToEvict();
      if (m === undefined) return;
      if (this.logging && !this.replaying) {
        this.log({ t: 'drop', ns: m.topic.ns, topic: m.topic.name, id: m.id });
      }
      this.applyDrop(m);
    }
  }

  private nextToEvict(): Message | undefined {
    for (let m = this.finished.shift(); m !== undefined; m = this.finished.shift()) {
      // A group created since may not have seen it: it is evictable only if still finished by all.
      if (m.state === 'live' && this.everyGroupDone(m)) {
        this.evictedFinished++;
        return m;
      }
    }
    let oldest: Message | undefined;
    for (const t of this.topics.values()) {
      for (const m of t.messages.values()) {
        if (m.state !== 'live') continue;
        if (oldest === undefined || m.publishTime < oldest.publishTime) oldest = m;
        break;
      }
    }
    if (oldest !== undefined && this.evictedUnfinished++ % WARN_EVERY === 0) {
      const { maxMessages, maxBytes } = this.limits;
      this.warn(
        `retention budget (maxRetainedMessages ${maxMessages}, maxRetainedBytes ${maxBytes}) ` +
          `exceeded by messages not every group has acked: dropping the oldest ` +
          `(${this.evictedUnfinished} so far); raise the budget or consume faster`,
      );
    }
    return oldest;
  }

  private everyGroupDone(m: Message): boolean {
    for (const sub of m.topic.subs.values()) {
      if (sub.states.get(m.id)?.done !== true) return false;
    }
    return true;
  }
}
