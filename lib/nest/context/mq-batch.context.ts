import type { MQReceivedMessage } from '../../transport/index.js';
import type { BatchDeliveryHandle } from '../consumer/batch.contract.js';
import { createMQContext, type MQContext } from './mq.context.js';
import { TrackedContext } from './tracked.context.js';

/** A message of the batch: the message itself, its `messageId`, or its index in the batch. */
export type MQBatchItem = MQReceivedMessage | string | number;

/**
 * What a batch handler (`@MQConsumer(..., { batch: true })`) knows about its batch: `@MQCtx()`,
 * the third argument of an undecorated handler, or `getMQBatchContext(host)` in guards,
 * interceptors and filters. An interface, so `ValidationPipe` never tries to validate it.
 */
export interface MQBatchContext {
  /** Consumer name, default `Class.method`. */
  readonly consumer: string;
  readonly topic: string;
  readonly group: string;
  /** The batch's deliveries in the order received (orderly: one sharding key's, in order). */
  readonly messages: readonly MQReceivedMessage[];
  /** One `MQContext` per message, same order (built on first read); their `signal` is the batch's. */
  readonly contexts: readonly MQContext[];
  /** Number of messages. */
  readonly size: number;
  /** One signal for the batch: aborts at the handler timeout or past the drain deadline. */
  readonly signal: AbortSignal;
  /**
   * Marks messages as handled: they are acked even if the batch then fails (the others are
   * retried). Orderly consumers ack the marked messages up to the first unmarked one. Marks made
   * after the batch settled (timed out, or the handler returned) change nothing.
   * @throws RangeError for a message that is not in this batch.
   */
  markDone(...items: MQBatchItem[]): void;
  /** Whether `item` was marked done. */
  isDone(item: MQBatchItem): boolean;
  /** Messages marked done so far. */
  readonly doneCount: number;
}

/**
 * A class, so that `getMQContext` can tell a batch's context from a message's; a tracked context,
 * so the dispatcher keeps the batch's pipeline state in its slot.
 */
export class BatchContext extends TrackedContext implements MQBatchContext {
  private contextList: MQContext[] | undefined;

  constructor(
    readonly consumer: string,
    readonly topic: string,
    readonly group: string,
    readonly messages: readonly MQReceivedMessage[],
    private readonly batch: BatchDeliveryHandle,
  ) {
    super();
  }

  get size(): number {
    return this.messages.length;
  }

  /** Read through the batch: its AbortController exists only once someone asks for it. */
  get signal(): AbortSignal {
    return this.batch.signal;
  }

  get contexts(): readonly MQContext[] {
    if (this.contextList === undefined) {
      const { consumer, topic, group, messages, batch } = this;
      this.contextList = messages.map((m) => createMQContext(consumer, topic, group, m, batch));
    }
    return this.contextList;
  }

  get doneCount(): number {
    return this.batch.doneCount;
  }

  markDone(...items: MQBatchItem[]): void {
    for (const item of items) this.batch.markDone(this.indexOf(item));
  }

  isDone(item: MQBatchItem): boolean {
    return this.batch.isDone(this.indexOf(item));
  }

  private indexOf(item: MQBatchItem): number {
    const messages = this.messages;
    let index = -1;
    if (typeof item === 'number') {
      if (Number.isInteger(item) && item >= 0 && item < messages.length) index = item;
    } else if (typeof item === 'string') {
      index = messages.findIndex((m) => m.messageId === item);
    } else {
      index = messages.indexOf(item);
    }
    if (index === -1) {
      const what =
        typeof item === 'object' && item !== null
          ? `message ${String((item as { messageId?: unknown }).messageId)}`
          : JSON.stringify(item);
      throw new RangeError(
        `MQBatchContext: ${what} is not in this batch of ${messages.length} (pass a message, its messageId or its index)`,
      );
    }
    return index;
  }
}

export function createMQBatchContext(
  consumer: string,
  topic: string,
  group: string,
  messages: readonly MQReceivedMessage[],
  batch: BatchDeliveryHandle,
): MQBatchContext {
  return new BatchContext(consumer, topic, group, messages, batch);
}
