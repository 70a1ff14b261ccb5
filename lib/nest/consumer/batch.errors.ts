/**
 * Abort reasons and `message.failed` errors of batch consumers. They extend the per-message errors,
 * so `reason instanceof MQHandlerTimeoutError` (or `MQDrainTimeoutError`) holds for both kinds of
 * consumer; `messageId` is the batch's first message, `messageIds` all of them.
 */
import type { MQReceivedMessage } from '../../transport/index.js';
import { MQDrainTimeoutError, MQHandlerTimeoutError } from './runtime.errors.js';

/** The batch handler ran longer than `handlerTimeoutMs`: its signal was aborted. */
export class MQBatchTimeoutError extends MQHandlerTimeoutError {
  readonly messageIds: readonly string[];

  constructor(messages: readonly MQReceivedMessage[], timeoutMs: number) {
    super(messages[0]?.messageId ?? '', timeoutMs);
    this.messageIds = messages.map((m) => m.messageId);
    this.message = `Handler of a batch of ${messages.length} message(s) timed out after ${timeoutMs} ms; the messages not marked done are not acked`;
    this.name = 'MQBatchTimeoutError';
  }
}

/** The consumer stopped and the drain deadline passed while the batch handler was still running. */
export class MQBatchDrainTimeoutError extends MQDrainTimeoutError {
  readonly messageIds: readonly string[];

  constructor(messages: readonly MQReceivedMessage[], drainTimeoutMs: number) {
    super(messages[0]?.messageId ?? '', drainTimeoutMs);
    this.messageIds = messages.map((m) => m.messageId);
    this.message = `Consumer stopped: a batch of ${messages.length} message(s) was still being handled when the drain deadline of ${drainTimeoutMs} ms passed; the messages not marked done are not acked and will be delivered again`;
    this.name = 'MQBatchDrainTimeoutError';
  }
}
