/**
 * Builds and emits the MQEvents of one runner. One method per event type keeps every event object
 * a plain literal of a fixed shape (no spreads on the per-message path) and isolates the runtime
 * from a subscriber that throws. Nothing is built while the sink says nobody observes it.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { MQEvent } from '../interfaces/mq-events.interface.js';
import type { RunnerEventSink } from './runner-status.js';

export type LifecycleEventType =
  | 'consumer.started'
  | 'consumer.stopped'
  | 'consumer.paused'
  | 'consumer.resumed'
  | 'consumer.recovered';

export type CheckDecision = 'commit' | 'rollback' | 'unknown';

export class RunnerEvents {
  constructor(
    private readonly consumer: string,
    private readonly topic: string,
    private readonly group: string,
    private readonly sink: RunnerEventSink,
    private readonly logger: LoggerService,
  ) {}

  lifecycle(type: LifecycleEventType): void {
    if (this.sink.observed === false) return;
    this.emit({
      type,
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
    });
  }

  unhealthy(error: Error): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'consumer.unhealthy',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      error,
    });
  }

  pollError(error: Error, retryInMs: number): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'poll.error',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      error,
      retryInMs,
    });
  }

  received(message: MQReceivedMessage): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'message.received',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      messageId: message.messageId,
      attempt: message.consumedTimes,
    });
  }

  succeeded(
    message: MQReceivedMessage,
    durationMs: number,
    decision?: CheckDecision,
    confirmed?: boolean,
  ): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'message.succeeded',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      messageId: message.messageId,
      attempt: message.consumedTimes,
      durationMs,
      decision,
      confirmed,
    });
  }

  failed(message: MQReceivedMessage, error: unknown, durationMs: number): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'message.failed',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      messageId: message.messageId,
      attempt: message.consumedTimes,
      error,
      durationMs,
    });
  }

  exhausted(message: MQReceivedMessage): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'message.exhausted',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      messageId: message.messageId,
      attempt: message.consumedTimes,
    });
  }

  acked(message: MQReceivedMessage, confirmed: boolean): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'message.acked',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      messageId: message.messageId,
      attempt: message.consumedTimes,
      confirmed,
    });
  }

  ackFailed(message: MQReceivedMessage, code: string, error: string, maybeAcked: boolean): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'message.ack-failed',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      messageId: message.messageId,
      attempt: message.consumedTimes,
      code,
      error,
      maybeAcked,
    });
  }

  nacked(message: MQReceivedMessage, retryInMs: number): void {
    if (this.sink.observed === false) return;
    this.emit({
      type: 'message.nacked',
      consumer: this.consumer,
      topic: this.topic,
      group: this.group,
      at: Date.now(),
      messageId: message.messageId,
      attempt: message.consumedTimes,
      retryInMs,
    });
  }

  private emit(event: MQEvent): void {
    try {
      this.sink.next(event);
    } catch (error) {
      // A throwing subscriber must not break the poll loop or leave a message half handled.
      this.logger.error(
        `MQ consumer ${this.consumer}: an events subscriber threw on ${event.type}: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
        'MQConsumer',
      );
    }
  }
}
