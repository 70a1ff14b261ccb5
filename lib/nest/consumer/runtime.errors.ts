/** Errors the consumer runtime reports in `message.failed` events and as abort reasons. */

/** The handler ran longer than `handlerTimeoutMs`: its signal was aborted and it will not be acked. */
export class MQHandlerTimeoutError extends Error {
  constructor(
    readonly messageId: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Handler of message ${messageId} timed out after ${timeoutMs} ms; the message is not acked`,
    );
    this.name = 'MQHandlerTimeoutError';
  }
}

/** The consumer stopped and the drain deadline passed while the handler was still running. */
export class MQDrainTimeoutError extends Error {
  constructor(
    readonly messageId: string,
    readonly drainTimeoutMs: number,
  ) {
    super(
      `Consumer stopped: message ${messageId} was still being handled when the drain deadline of ${drainTimeoutMs} ms passed; it is not acked and will be delivered again`,
    );
    this.name = 'MQDrainTimeoutError';
  }
}
