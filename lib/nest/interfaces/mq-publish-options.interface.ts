import type { MQPublishResult } from '../../transport/index.js';
import type { MQRetryOptions } from './mq-retry-options.interface.js';

/** Options of `MQProducer.publish()`. */
export interface MQPublishOptions {
  tag?: string;
  /** Message key (for lookup in the console), not the sharding key. */
  key?: string;
  /** User properties (keys and values must not contain & " ' < > : |). */
  properties?: Record<string, string>;
  /** Deliver at this time (timer message). Exclusive with `delayMs`. */
  deliverAt?: Date | number;
  /** Deliver after this many ms (timer message). Exclusive with `deliverAt`. */
  delayMs?: number;
  /** Sharding key of an ordered topic (RocketMQ 5: the message group of a FIFO topic). */
  shardingKey?: string;
  /** Cancels the call, a wait between retries included (rejects with `MQAbortError`). */
  signal?: AbortSignal;
  /**
   * This call's retry policy: `false` = one attempt only; an object's fields override the
   * module's `publishRetry` (or the defaults).
   */
  retry?: MQRetryOptions | false;
}

/** Options of `MQProducer.publishTransactional()`. */
export interface MQTransactionalPublishOptions extends MQPublishOptions {
  /**
   * Group of the transaction producer: commit/rollback and checks use it. (RocketMQ 5 has no
   * producer groups: the proxy asks any producer of the topic; the group only names the checker.)
   */
  group: string;
  /**
   * Seconds before the broker's first check of an unresolved half message (default 10): 10-300
   * on HTTP, 1-3600 on RocketMQ 5.
   */
  transCheckImmunitySeconds?: number;
}

/** The local transaction of `publishTransactional`: resolve = commit, throw = rollback. */
export type MQLocalTransaction<T> = (halfMessage: MQPublishResult) => Promise<T> | T;

/** Body of a message: text or UTF-8 bytes as they are; any other object is sent as JSON. */
export type MQMessageBody = string | Uint8Array | object;
