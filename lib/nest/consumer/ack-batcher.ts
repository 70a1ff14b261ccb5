/**
 * Collects successful deliveries and acks them in batches (up to the transport's limit, 16 on HTTP).
 *
 * Batching is adaptive: when no ack request is in flight, what is queued goes out on the next turn
 * of the event loop (so completions of the same turn share one request and an idle consumer acks
 * each message at once); while a request is in flight, new handles wait and go out together when it
 * returns. Acks never throw: every outcome becomes a `message.acked` / `message.ack-failed` event,
 * and each says what is known: an ack whose answer was lost and whose retry found the handle
 * already used is `acked` with `confirmed: false` (that earlier attempt most likely worked), not a
 * failure promising a redelivery that will not come.
 */
import type { LoggerService } from '@nestjs/common';
import { MQServiceError, type MQAckResult, type MQReceivedMessage } from '../../transport/index.js';
import { withTransientRetry, type TransientRetryPolicy } from './transient-retry.js';
import type { RunnerTransport } from './runner-status.js';

/** Per-handle refusals that mean "this handle is no longer valid" (expired, superseded or used). */
const HANDLE_GONE: ReadonlySet<string> = new Set([
  'MessageNotExist',
  'ReceiptHandleError',
  // RocketMQ 5.
  'INVALID_RECEIPT_HANDLE',
]);

export interface AckBatcherOptions {
  consumer: string;
  topic: string;
  group: string;
  transport: RunnerTransport;
  logger: LoggerService;
  /** `confirmed` false: presumed acked (an earlier attempt's answer was lost, see above). */
  onAcked(message: MQReceivedMessage, confirmed: boolean): void;
  /** `maybeAcked`: an attempt may have reached the broker, so the message may be acked anyway. */
  onFailed(message: MQReceivedMessage, code: string, error: string, maybeAcked: boolean): void;
  /** Retries of a batch after a retryable transport/server error (default 3). */
  retries?: number;
  /** First retry delay; doubles each time, with jitter (default 100 ms). */
  retryDelayMs?: number;
  random?: () => number;
}

export class AckBatcher {
  private queue: MQReceivedMessage[] = [];
  private inFlight = 0;
  private draining: Promise<void> | undefined;
  private scheduled = false;
  /** Monotonic ms no ack request may run past (set when the consumer stops); Infinity = none. */
  private deadlineAt = Infinity;
  private readonly retryPolicy: TransientRetryPolicy;
  /** Most messages per ack request (the transport's limit). */
  private readonly maxPerAck: number;
  private readonly kick = (): void => {
    this.scheduled = false;
    if (this.draining === undefined) this.draining = this.drain();
  };

  constructor(private readonly options: AckBatcherOptions) {
    this.retryPolicy = {
      retries: options.retries ?? 3,
      initialDelayMs: options.retryDelayMs ?? 100,
      random: options.random ?? Math.random,
    };
    this.maxPerAck = options.transport.maxAckBatch;
  }

  /** Handles queued or being acked right now. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  add(message: MQReceivedMessage): void {
    this.queue.push(message);
    if (this.draining === undefined && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.kick);
    }
  }

  /**
   * From now on, no ack request (attempt or retry) runs past `deadlineAt` (monotonic ms; Infinity
   * lifts the limit, e.g. when the consumer is started again).
   */
  limitTo(deadlineAt: number): void {
    this.deadlineAt = deadlineAt;
  }

  /** Resolves when everything queued so far has been acked or reported failed. Never rejects. */
  flush(): Promise<void> {
    if (this.draining === undefined && this.queue.length > 0) this.draining = this.drain();
    return this.draining ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        this.inFlight = batch.length;
        const max = this.maxPerAck;
        if (batch.length <= max) {
          await this.send(batch);
        } else {
          // More than one request's worth piled up behind a slow ack: send the chunks in parallel.
          const sends: Promise<void>[] = [];
          for (let i = 0; i < batch.length; i += max) {
            sends.push(this.send(batch.slice(i, i + max)));
          }
          await Promise.all(sends);
        }
        this.inFlight = 0;
      }
    } catch (error) {
      // Only a throwing logger or sink can get here; acks must never reject into anything.
      this.options.logger.error(
        `MQ consumer ${this.options.consumer}: ack batcher failed: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
        'MQConsumer',
      );
    } finally {
      this.inFlight = 0;
      this.draining = undefined;
    }
  }

  /** Acks one batch; retries retryable failures while the handles can still be valid. */
  private async send(batch: MQReceivedMessage[]): Promise<void> {
    let expiresAt = Infinity;
    for (let i = 0; i < batch.length; i++) {
      const next = batch[i]!.nextConsumeTime;
      if (next < expiresAt) expiresAt = next;
    }
    const { topic, group, transport } = this.options;
    const outcome = await withTransientRetry(
      (timeoutMs) =>
        transport.ack(topic, group, batch, timeoutMs === undefined ? undefined : { timeoutMs }),
      this.retryPolicy,
      expiresAt,
      this.deadlineAt,
    );
    if (outcome.value === undefined) {
      this.reportBatchFailure(batch, outcome.error, outcome.uncertain);
      return;
    }
    this.report(batch, outcome.value, outcome.uncertain);
  }

  private report(batch: MQReceivedMessage[], result: MQAckResult, uncertain: boolean): void {
    const failed = result.failed;
    if (failed.length === 0) {
      // Whatever happened before, this answer confirms every handle.
      for (let i = 0; i < batch.length; i++) this.options.onAcked(batch[i]!, true);
      return;
    }
    const failures = new Map<string, { code: string; message: string }>();
    for (const failure of failed) failures.set(failure.receiptHandle, failure);
    let presumed = 0;
    for (let i = 0; i < batch.length; i++) {
      const message = batch[i]!;
      const failure = failures.get(message.receiptHandle);
      if (failure === undefined) {
        this.options.onAcked(message, true);
        continue;
      }
      if (uncertain && HANDLE_GONE.has(failure.code)) {
        // An earlier attempt's answer was lost and the handle has been used up since: that is
        // what the earlier attempt having acked it looks like (it was not yet expired).
        presumed++;
        this.options.onAcked(message, false);
        continue;
      }
      this.options.logger.warn(
        `MQ consumer ${this.options.consumer}: ack of message ${message.messageId} (attempt ${message.consumedTimes}) on ${this.options.topic} @ ${this.options.group} failed with ${failure.code}` +
          (HANDLE_GONE.has(failure.code)
            ? ': the receipt handle is no longer valid (the handler outlived the invisibility window); the message will be delivered again'
            : `: ${failure.message}`),
        'MQConsumer',
      );
      this.options.onFailed(message, failure.code, failure.message, false);
    }
    if (presumed > 0) {
      this.options.logger.debug?.(
        `MQ consumer ${this.options.consumer}: ${presumed} ack(s) on ${this.options.topic} @ ${this.options.group} presumed done: an earlier attempt's answer was lost and the retry found the handles already used`,
        'MQConsumer',
      );
    }
  }

  private reportBatchFailure(batch: MQReceivedMessage[], error: unknown, uncertain: boolean): void {
    const code =
      error instanceof MQServiceError
        ? error.code
        : error instanceof Error
          ? error.name
          : 'UnknownError';
    const text = error instanceof Error ? error.message : String(error);
    let ids = '';
    for (let i = 0; i < batch.length; i++) ids += (i === 0 ? '' : ', ') + batch[i]!.messageId;
    this.options.logger.warn(
      `MQ consumer ${this.options.consumer}: ack of ${batch.length} message(s) on ${this.options.topic} @ ${this.options.group} failed (${code}: ${text}); ` +
        (uncertain
          ? `an attempt may have reached the broker, so they may be acked; those that are not will be delivered again: ${ids}`
          : `they will be delivered again: ${ids}`),
      'MQConsumer',
    );
    for (let i = 0; i < batch.length; i++) this.options.onFailed(batch[i]!, code, text, uncertain);
  }
}
