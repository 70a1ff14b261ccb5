/**
 * Runs one received message to its outcome: the maxAttempts check, the dispatcher with a signal and
 * a handler timeout, then ack (queued in the batcher) or not, with events and logs. Shared by the
 * plain and the orderly consumer. `run` never rejects and always gives the message's slot back.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { AckBatcher } from './ack-batcher.js';
import type { NackSender } from './nack-sender.js';
import type { ExhaustedHandler, MessageDispatcher } from './consumer.contract.js';
import {
  ActiveDelivery,
  DELIVERY_ABANDONED,
  DELIVERY_DONE,
  DELIVERY_RUNNING,
  DELIVERY_TIMED_OUT,
  DeliveryTracker,
  type DeliveryTimeoutOwner,
} from './delivery-tracker.js';
import type { RunnerEvents } from './runner-events.js';
import { MQDrainTimeoutError, MQHandlerTimeoutError } from './runtime.errors.js';
import type { HandlerSlots } from './slots.js';

const LOG_CONTEXT = 'MQConsumer';

export interface MessageDeliveryOptions {
  consumer: string;
  topic: string;
  group: string;
  /** <= 0 or non-finite: no timeout. */
  handlerTimeoutMs: number;
  maxAttempts?: number;
  dispatch: MessageDispatcher;
  onExhausted?: ExhaustedHandler;
  slots: HandlerSlots;
  acks: AckBatcher;
  /** Present where the transport can hand a failed delivery back early (RocketMQ 5). */
  nacks?: NackSender;
  events: RunnerEvents;
  logger: LoggerService;
}

export class MessageDelivery implements DeliveryTimeoutOwner {
  private readonly tracker = new DeliveryTracker();
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: MessageDeliveryOptions) {
    const timeout = options.handlerTimeoutMs;
    this.timeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : 0;
    this.maxAttempts = options.maxAttempts ?? Infinity;
  }

  /**
   * Handles one message whose slot the caller already took. Resolves true when the message was
   * handled successfully and queued for ack (orderly keys continue only then).
   */
  async run(message: MQReceivedMessage): Promise<boolean> {
    const delivery = new ActiveDelivery(message, this);
    this.tracker.add(delivery);
    try {
      this.options.events.received(message);
      if (message.consumedTimes > this.maxAttempts) return await this.exhaust(delivery);
      // The dispatch is awaited here rather than in a method of its own: one async frame and one
      // promise less per message.
      if (this.timeoutMs > 0) delivery.armTimeout(this.timeoutMs);
      let outcome: string | undefined;
      let error: unknown;
      try {
        const result = await this.options.dispatch(message, delivery);
        outcome = result?.outcome;
        error = result?.error;
      } catch (thrown) {
        // The contract says the dispatcher never rejects; if it does, it is a failure, not an ack.
        outcome = 'retry';
        error = thrown;
      }
      return this.settle(delivery, outcome, error);
    } catch (error) {
      // Only a defect of our own gets here (the dispatcher's rejections are caught in dispatch).
      this.options.logger.error(
        `MQ consumer ${this.options.consumer}: internal error while handling message ${message.messageId}: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
        LOG_CONTEXT,
      );
      return false;
    } finally {
      delivery.disarmTimeout();
      this.tracker.delete(delivery);
      this.options.slots.release();
    }
  }

  /**
   * Drain deadline reached: aborts the signal of every handler still running and reports each as
   * failed. They keep their slots until they settle, but whatever they return is ignored.
   */
  abandonRunning(drainTimeoutMs: number): number {
    const abandoned = this.tracker.abandonAll(
      (delivery) => new MQDrainTimeoutError(delivery.message.messageId, drainTimeoutMs),
    );
    for (const delivery of abandoned) {
      const message = delivery.message;
      this.options.logger.warn(
        `MQ consumer ${this.options.consumer}: drain deadline passed, message ${message.messageId} (attempt ${message.consumedTimes}) on ${this.options.topic} @ ${this.options.group} left unacked; it will be delivered again`,
        LOG_CONTEXT,
      );
      this.options.events.failed(message, delivery.abortReason, Date.now() - delivery.startedAt);
    }
    return abandoned.length;
  }

  onDeliveryTimeout(delivery: ActiveDelivery): void {
    const message = delivery.message;
    const error = new MQHandlerTimeoutError(message.messageId, this.timeoutMs);
    // From now on the handler's result is ignored; the slot stays taken until it settles.
    delivery.state = DELIVERY_TIMED_OUT;
    delivery.abort(error);
    this.options.logger.error(
      `MQ consumer ${this.options.consumer}: message ${message.messageId} (attempt ${message.consumedTimes}) on ${this.options.topic} @ ${this.options.group} timed out after ${this.timeoutMs} ms; not acked, it will be delivered again`,
      undefined,
      LOG_CONTEXT,
    );
    this.options.events.failed(message, error, Date.now() - delivery.startedAt);
  }

  /** The dispatcher's answer for a delivery: ack (queued) or not, events, logs. */
  private settle(delivery: ActiveDelivery, outcome: string | undefined, error: unknown): boolean {
    const message = delivery.message;
    delivery.disarmTimeout();
    if (delivery.state !== DELIVERY_RUNNING) {
      // Timed out or abandoned: already reported failed; never ack, even if it succeeded late.
      this.options.logger.debug?.(
        `MQ consumer ${this.options.consumer}: message ${message.messageId} settled after its deadline (${outcome ?? 'no outcome'}); not acked`,
        LOG_CONTEXT,
      );
      return false;
    }
    delivery.state = DELIVERY_DONE;
    const durationMs = Date.now() - delivery.startedAt;
    if (outcome === 'ack') {
      this.options.acks.add(message);
      if (error !== undefined) {
        this.options.logger.warn(
          `MQ consumer ${this.options.consumer}: message ${message.messageId} (attempt ${message.consumedTimes}) on ${this.options.topic} @ ${this.options.group} failed but is acked by policy: ${describe(error)}`,
          LOG_CONTEXT,
        );
      }
      this.options.events.succeeded(message, durationMs);
      return true;
    }
    const again = this.retryLater(message);
    if (error === undefined) {
      this.options.logger.warn(
        `MQ consumer ${this.options.consumer}: message ${message.messageId} (attempt ${message.consumedTimes}) on ${this.options.topic} @ ${this.options.group} not acked by policy; ${again}`,
        LOG_CONTEXT,
      );
    } else {
      this.options.logger.error(
        `MQ consumer ${this.options.consumer}: message ${message.messageId} (attempt ${message.consumedTimes}) on ${this.options.topic} @ ${this.options.group} failed; ${again}: ${describe(error)}`,
        error instanceof Error ? error.stack : undefined,
        LOG_CONTEXT,
      );
    }
    this.options.events.failed(message, error, durationMs);
    return false;
  }

  /** attempt > maxAttempts: the hook decides (resolve → ack, reject → leave); no dispatch. */
  private async exhaust(delivery: ActiveDelivery): Promise<boolean> {
    const message = delivery.message;
    this.options.events.exhausted(message);
    const hook = this.options.onExhausted;
    if (hook === undefined) {
      this.options.logger.warn(
        `MQ consumer ${this.options.consumer}: message ${message.messageId} exceeded maxAttempts (attempt ${message.consumedTimes} > ${this.maxAttempts}) on ${this.options.topic} @ ${this.options.group}; no exhausted hook, acking it`,
        LOG_CONTEXT,
      );
      this.options.acks.add(message);
      return true;
    }
    try {
      await hook(message);
    } catch (error) {
      // Abandoned at the drain deadline while the hook ran: already reported, leave it alone.
      const again =
        (delivery.state as number) === DELIVERY_ABANDONED
          ? 'not acked, it will be delivered again'
          : this.retryLater(message);
      this.options.logger.error(
        `MQ consumer ${this.options.consumer}: exhausted hook failed for message ${message.messageId} (attempt ${message.consumedTimes}) on ${this.options.topic} @ ${this.options.group}; ${again}: ${describe(error)}`,
        error instanceof Error ? error.stack : undefined,
        LOG_CONTEXT,
      );
      return false;
    }
    // Abandoned at the drain deadline while the hook ran: the stop already flushed, do not ack.
    if ((delivery.state as number) === DELIVERY_ABANDONED) return false;
    this.options.acks.add(message);
    return true;
  }

  /**
   * Orderly: the messages of a key after a failed one were not dispatched. They come back with it
   * (same wait), so that the key's order holds.
   */
  handBackSkipped(skipped: readonly MQReceivedMessage[], failed: MQReceivedMessage): void {
    const nacks = this.options.nacks;
    if (nacks === undefined) return;
    const delay = nacks.delayFor(failed);
    for (const message of skipped) nacks.send(message, delay);
  }

  /** Not acked: hands the message back where the transport can; says when it comes again. */
  private retryLater(message: MQReceivedMessage): string {
    const nacks = this.options.nacks;
    if (nacks === undefined) return 'not acked, it will be delivered again';
    const delay = nacks.delayFor(message);
    nacks.send(message, delay);
    return `handed back, it will be delivered again in ${delay} ms`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
