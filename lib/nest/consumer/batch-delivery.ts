/**
 * Batch consumers (`batch: true`): one handler call per poll's messages (orderly: per sharding key
 * of the poll, in order), with one abort signal and one handler timeout per batch. Messages over
 * `maxAttempts` leave the batch first and go to the exhausted hook one by one (MessageDelivery).
 *
 * Outcome: the dispatcher says `ack` → every message is acked; otherwise the messages the handler
 * marked done are acked (orderly: the longest marked prefix of the key, so that a key is never
 * acked out of order) and the rest is retried (handed back where the transport can). A batch that
 * times out or outlives the drain deadline acks its marked messages and reports the rest failed.
 * Events stay per message (received, succeeded, failed, then acked/nacked by the senders).
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { AckBatcher } from './ack-batcher.js';
import type { BatchDeliveryHandle, BatchDispatcher } from './batch.contract.js';
import { MQBatchDrainTimeoutError, MQBatchTimeoutError } from './batch.errors.js';
import type { MessageDispatcher } from './consumer.contract.js';
import {
  ActiveDelivery,
  DELIVERY_DONE,
  DELIVERY_RUNNING,
  DELIVERY_TIMED_OUT,
  DeliveryTracker,
  type DeliveryTimeoutOwner,
} from './delivery-tracker.js';
import type { MessageDelivery } from './message-delivery.js';
import type { NackSender } from './nack-sender.js';
import type { RunnerEvents } from './runner-events.js';
import type { HandlerSlots } from './slots.js';

const LOG_CONTEXT = 'MQConsumer';

/** Key of messages without a sharding key (not expected on ordered topics): one sequence. */
const NO_SHARDING_KEY = '';

export interface BatchDeliveryOptions {
  consumer: string;
  topic: string;
  group: string;
  /** Per batch; <= 0 or non-finite: no timeout. */
  handlerTimeoutMs: number;
  maxAttempts?: number;
  /** One batch per sharding key of a poll, acked by prefix. */
  orderly: boolean;
  dispatch: BatchDispatcher;
  /** Runs messages over maxAttempts one by one (exhausted hook, then ack). */
  singles: MessageDelivery;
  slots: HandlerSlots;
  acks: AckBatcher;
  nacks?: NackSender;
  events: RunnerEvents;
  logger: LoggerService;
  isStopping(): boolean;
}

/**
 * The `MessageDispatcher` a batch consumer's MessageDelivery is built with: that delivery only
 * runs messages over maxAttempts, which are never dispatched. Reaching it is a defect of ours,
 * and then the message is retried, never acked.
 */
export const NO_SINGLE_DISPATCH: MessageDispatcher = () =>
  Promise.resolve({
    outcome: 'retry',
    error: new Error('nestjs-aliyun-mq: internal error: a batch consumer dispatched one message'),
  });

/** One running batch: the delivery's lazy signal and timer, plus the handler's done marks. */
class ActiveBatch extends ActiveDelivery implements BatchDeliveryHandle {
  private done: Uint8Array | undefined = undefined;
  private marked = 0;

  constructor(
    readonly messages: readonly MQReceivedMessage[],
    readonly orderly: boolean,
    owner: DeliveryTimeoutOwner,
  ) {
    super(messages[0]!, owner);
  }

  get doneCount(): number {
    return this.marked;
  }

  markDone(index: number): void {
    // Once settled the outcome is reported: a late mark must not ack a message reported failed.
    if (this.state !== DELIVERY_RUNNING) return;
    const done = (this.done ??= new Uint8Array(this.messages.length));
    if (done[index] === 0) {
      done[index] = 1;
      this.marked++;
    }
  }

  isDone(index: number): boolean {
    return this.done !== undefined && this.done[index] === 1;
  }

  /** Orderly: how many messages from the start are all marked done. */
  donePrefix(): number {
    let n = 0;
    while (n < this.messages.length && this.isDone(n)) n++;
    return n;
  }
}

type Ending = 'failed' | 'timed out' | 'abandoned';

export class BatchDelivery implements DeliveryTimeoutOwner {
  private readonly tracker = new DeliveryTracker();
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: BatchDeliveryOptions) {
    const timeout = options.handlerTimeoutMs;
    this.timeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : 0;
    this.maxAttempts = options.maxAttempts ?? Infinity;
  }

  /** Takes a poll's messages, one slot per message already taken. Never throws. */
  schedule(messages: MQReceivedMessage[]): void {
    if (!this.options.orderly) {
      void this.runPlain(messages);
      return;
    }
    if (messages.length === 1) {
      void this.runSequence(messages);
      return;
    }
    const byKey = new Map<string, MQReceivedMessage[]>();
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      const key = message.shardingKey ?? NO_SHARDING_KEY;
      const sequence = byKey.get(key);
      if (sequence === undefined) byKey.set(key, [message]);
      else sequence.push(message);
    }
    for (const sequence of byKey.values()) void this.runSequence(sequence);
  }

  /**
   * Drain deadline reached: aborts the signal of every batch still running, acks what it marked
   * done and reports the rest failed. The batches keep their slots until they settle.
   */
  abandonRunning(drainTimeoutMs: number): number {
    const abandoned = this.tracker.abandonAll(
      (delivery) =>
        new MQBatchDrainTimeoutError((delivery as ActiveBatch).messages, drainTimeoutMs),
    );
    let count = 0;
    for (const delivery of abandoned) {
      const batch = delivery as ActiveBatch;
      this.settleUnsuccessful(batch, batch.abortReason, 'abandoned');
      count += batch.messages.length;
    }
    return count;
  }

  onDeliveryTimeout(delivery: ActiveDelivery): void {
    const batch = delivery as ActiveBatch;
    const error = new MQBatchTimeoutError(batch.messages, this.timeoutMs);
    // From now on the handler's result is ignored; the slots stay taken until it settles.
    batch.state = DELIVERY_TIMED_OUT;
    batch.abort(error);
    this.settleUnsuccessful(batch, error, 'timed out');
  }

  private async runPlain(messages: MQReceivedMessage[]): Promise<void> {
    let batch = messages;
    if (this.maxAttempts !== Infinity) {
      batch = [];
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i]!;
        // Over the limit: the exhausted hook, on its own (it gives its slot back).
        if (message.consumedTimes > this.maxAttempts) void this.options.singles.run(message);
        else batch.push(message);
      }
    }
    if (batch.length > 0) await this.run(batch, false);
  }

  /**
   * One sharding key of an orderly poll: exhausted messages first, one at a time in order (a hook
   * that fails stops the key: the rest is handed back with it), then the others as one batch.
   * While stopping nothing starts: the key stays unacked and comes back with its partition.
   */
  private async runSequence(sequence: MQReceivedMessage[]): Promise<void> {
    let held = sequence.length;
    try {
      if (this.options.isStopping()) return;
      let batch = sequence;
      if (this.maxAttempts !== Infinity) {
        batch = [];
        for (let i = 0; i < sequence.length; i++) {
          const message = sequence[i]!;
          if (message.consumedTimes <= this.maxAttempts) {
            batch.push(message);
            continue;
          }
          held--; // the single delivery gives this slot back
          const handled = await this.options.singles.run(message);
          if (!handled || this.options.isStopping()) {
            const rest = batch.concat(sequence.slice(i + 1));
            if (!handled && rest.length > 0) this.options.singles.handBackSkipped(rest, message);
            return;
          }
        }
      }
      if (batch.length === 0) return;
      held -= batch.length;
      await this.run(batch, true);
    } catch (error) {
      this.logInternalError(error);
    } finally {
      if (held > 0) {
        this.options.logger.debug?.(
          `MQ consumer ${this.options.consumer}: ${held} message(s) of sharding key "${sequence[0]!.shardingKey ?? ''}" not dispatched after a failure or stop; they come back with their partition`,
          LOG_CONTEXT,
        );
        this.options.slots.release(held);
      }
    }
  }

  /** One batch to its outcome; never rejects; gives the batch's slots back when it settles. */
  private async run(messages: readonly MQReceivedMessage[], orderly: boolean): Promise<void> {
    const batch = new ActiveBatch(messages, orderly, this);
    this.tracker.add(batch);
    try {
      const events = this.options.events;
      for (let i = 0; i < messages.length; i++) events.received(messages[i]!);
      if (this.timeoutMs > 0) batch.armTimeout(this.timeoutMs);
      let outcome: string | undefined;
      let error: unknown;
      try {
        const result = await this.options.dispatch(messages, batch);
        outcome = result?.outcome;
        error = result?.error;
      } catch (thrown) {
        // The contract says the dispatcher never rejects; if it does, it is a failure.
        outcome = 'retry';
        error = thrown;
      }
      batch.disarmTimeout();
      if (batch.state !== DELIVERY_RUNNING) {
        // Timed out or abandoned: already settled and reported; a late result changes nothing.
        this.options.logger.debug?.(
          `MQ consumer ${this.options.consumer}: a batch of ${messages.length} message(s) settled after its deadline (${outcome ?? 'no outcome'}); ignored`,
          LOG_CONTEXT,
        );
        return;
      }
      batch.state = DELIVERY_DONE;
      if (outcome === 'ack') this.ackAll(batch, error);
      else this.settleUnsuccessful(batch, error, 'failed');
    } catch (error) {
      this.logInternalError(error);
    } finally {
      batch.disarmTimeout();
      this.tracker.delete(batch);
      this.options.slots.release(messages.length);
    }
  }

  private ackAll(batch: ActiveBatch, error: unknown): void {
    const { acks, events } = this.options;
    const messages = batch.messages;
    const durationMs = Date.now() - batch.startedAt;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      acks.add(message);
      events.succeeded(message, durationMs);
    }
    if (error !== undefined) {
      this.options.logger.warn(
        `MQ consumer ${this.options.consumer}: a batch of ${messages.length} message(s) on ${this.options.topic} @ ${this.options.group} failed but is acked by policy: ${describe(error)}; ids: ${idsOf(messages)}`,
        LOG_CONTEXT,
      );
    }
  }

  /**
   * The batch did not succeed: its marked messages (orderly: the marked prefix) are acked, the
   * others reported failed and, only when the handler has settled, handed back where the
   * transport can (a timed-out or abandoned handler may still be running: its window runs out).
   */
  private settleUnsuccessful(batch: ActiveBatch, error: unknown, ending: Ending): void {
    const { acks, events, nacks } = this.options;
    const messages = batch.messages;
    const durationMs = Date.now() - batch.startedAt;
    const prefix = batch.orderly ? batch.donePrefix() : 0;
    const rest: MQReceivedMessage[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      if (batch.orderly ? i < prefix : batch.isDone(i)) {
        acks.add(message);
        events.succeeded(message, durationMs);
      } else {
        events.failed(message, error, durationMs);
        rest.push(message);
      }
    }
    let again = 'not acked, they will be delivered again';
    if (ending === 'failed' && nacks !== undefined && rest.length > 0) {
      if (batch.orderly) {
        // The key comes back together and in order: every message with the first one's wait.
        const delay = nacks.delayFor(rest[0]!);
        for (const message of rest) nacks.send(message, delay);
        again = `handed back, they will be delivered again in ${delay} ms`;
      } else {
        for (const message of rest) nacks.send(message);
        again = 'handed back, they will be delivered again after their retry backoff';
      }
    }
    const done = messages.length - rest.length;
    let line = `MQ consumer ${this.options.consumer}: a batch of ${messages.length} message(s) on ${this.options.topic} @ ${this.options.group} ${ending}`;
    if (done > 0) line += `; ${done} marked done, acked`;
    if (rest.length > 0) line += `; ${rest.length} ${again}`;
    if (error !== undefined) line += `: ${describe(error)}`;
    if (rest.length > 0) line += `; not acked: ${idsOf(rest)}`;
    if (ending === 'abandoned' || error === undefined) {
      this.options.logger.warn(line, LOG_CONTEXT);
    } else {
      this.options.logger.error(
        line,
        error instanceof Error ? error.stack : undefined,
        LOG_CONTEXT,
      );
    }
  }

  private logInternalError(error: unknown): void {
    this.options.logger.error(
      `MQ consumer ${this.options.consumer}: internal error while handling a batch: ${String(error)}`,
      error instanceof Error ? error.stack : undefined,
      LOG_CONTEXT,
    );
  }
}

/** Message ids with their attempts, for logs (a batch is at most one poll: a few dozen). */
function idsOf(messages: readonly MQReceivedMessage[]): string {
  let ids = '';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    ids += `${i === 0 ? '' : ', '}${m.messageId} (attempt ${m.consumedTimes})`;
  }
  return ids;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
