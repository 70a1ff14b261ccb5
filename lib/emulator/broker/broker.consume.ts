/**
 * Consume requests: checking them, handing out what is deliverable at once, and parking long polls
 * (event-driven: woken by BrokerDelivery.wake, ended by the shared WaitDeadlines timer or the
 * caller's signal). Split from broker.ts to keep files small; Broker extends this class.
 */
import { MQ_LIMITS } from '../../protocol/index.js';
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import { BrokerError } from './broker.errors.js';
import { EMPTY } from './broker.delivery.js';
import { BrokerRetention } from './broker.retention.js';
import type { ConsumeKind, Subscription, Topic, Waiter } from './broker.state.js';

export interface ConsumeRequest {
  ns: string;
  topic: string;
  group: string;
  kind: ConsumeKind;
  max: number;
  tags?: string[];
  /** How long the delivered messages stay invisible (ms, >= 1); default: the kind's timing. */
  invisibleMs?: number;
}

export abstract class BrokerConsume extends BrokerRetention {
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
      const invisibleMs = req.invisibleMs;
      if (invisibleMs !== undefined && !(Number.isSafeInteger(invisibleMs) && invisibleMs >= 1)) {
        throw new BrokerError(
          'InvalidArgument',
          'The invisible duration must be an integer >= 1 ms.',
        );
      }
      const tags = normalizeTags(req.tags);
      const sub = req.kind === 'half' ? undefined : this.subscription(topic, group);
      const out = this.collect(topic, sub, req.kind, max, tags, invisibleMs);
      if (this.logging) this.maybeCompact();
      if (out.length > 0 || !(waitMs > 0) || signal?.aborted === true) return Promise.resolve(out);
      return this.park(topic, sub, req.kind, max, tags, invisibleMs, waitMs, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Transaction checks of a topic's half messages, for fronts that push checks to producers
   * (RocketMQ 5 Telemetry) rather than letting a group poll them (HTTP trans=pop). Same shared
   * check queue and handles as trans=pop; waits like consume(). No group is involved.
   */
  consumeChecks(
    ns: string,
    topicName: string,
    max: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<ConsumedMessageDoc[]> {
    try {
      this.assertOpen();
      this.due.runDue();
      const topic = this.topic(ns, topicName, true)!;
      const out = this.collect(topic, undefined, 'half', max, undefined);
      if (out.length > 0 || !(waitMs > 0) || signal?.aborted === true) return Promise.resolve(out);
      return this.park(topic, undefined, 'half', max, undefined, undefined, waitMs, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Parks a long poll until something is deliverable, the wait ends (real time) or signal aborts. */
  private park(
    topic: Topic,
    sub: Subscription | undefined,
    kind: ConsumeKind,
    max: number,
    tags: string[] | undefined,
    invisibleMs: number | undefined,
    waitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<ConsumedMessageDoc[]> {
    return new Promise((resolve) => {
      const w: Waiter = {
        sub,
        topic,
        kind,
        max,
        tags,
        invisibleMs,
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
  }
}

function normalizeTags(tags: string[] | undefined): string[] | undefined {
  if (tags === undefined || tags.length === 0) return undefined;
  for (const t of tags) if (t === '*' || t === '') return undefined;
  return tags;
}
