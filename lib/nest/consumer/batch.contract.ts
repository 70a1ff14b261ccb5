/**
 * Contract between the Nest wiring and the consumer runtime for batch consumers
 * (`@MQConsumer(..., { batch: true })`): the handler runs once per poll's messages.
 */
import type { MQReceivedMessage } from '../../transport/index.js';
import type { DeliverySignal, DispatchOutcome } from './consumer.contract.js';

/**
 * One batch as the dispatcher sees it: one abort signal for the whole batch, and the marks the
 * handler sets on messages it finished (acked whatever the batch's outcome).
 */
export interface BatchDeliveryHandle extends DeliverySignal {
  /**
   * Marks message `index` of the batch as done. Ignored once the batch settled (its outcome is
   * decided then: a late mark must not ack a message that was already reported failed).
   */
  markDone(index: number): void;
  isDone(index: number): boolean;
  /** Messages marked done so far. */
  readonly doneCount: number;
}

/**
 * Runs one batch through the Nest pipeline and says whether to ack it. Must never reject.
 * `'ack'` acks every message; `'retry'` acks only those marked done (orderly: the longest marked
 * prefix of the sharding key) and retries the rest.
 */
export type BatchDispatcher = (
  messages: readonly MQReceivedMessage[],
  batch: BatchDeliveryHandle,
) => Promise<{ outcome: DispatchOutcome; error?: unknown }>;
