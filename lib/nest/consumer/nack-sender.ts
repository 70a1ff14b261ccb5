/**
 * Hands failed deliveries back where the transport can (RocketMQ 5: ChangeInvisibleDuration), so
 * a failed message comes back after a retry backoff that grows with its attempt instead of when
 * its invisibility window ends. Nacks never throw: a nack that fails only means the message comes
 * back later (at the end of its window), which the log says.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { RunnerTransport } from './runner-status.js';
import { withTransientRetry, type TransientRetryPolicy } from './transient-retry.js';

export interface NackSenderOptions {
  consumer: string;
  topic: string;
  group: string;
  transport: RunnerTransport;
  logger: LoggerService;
  backoff: { initialMs: number; maxMs: number };
  /** The proxy accepted a nack: the message comes back in `delayMs`. */
  onNacked(message: MQReceivedMessage, delayMs: number): void;
  random?: () => number;
}

/** Wait before attempt `attempt + 1` after attempt `attempt` failed: initial · 2^(attempt-1), capped. */
export function retryDelayMs(
  attempt: number,
  backoff: { initialMs: number; maxMs: number },
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
}

export class NackSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryPolicy: TransientRetryPolicy;

  constructor(private readonly options: NackSenderOptions) {
    this.retryPolicy = { retries: 2, initialDelayMs: 100, random: options.random ?? Math.random };
  }

  /** The wait a failed delivery of `message` gets. */
  delayFor(message: MQReceivedMessage): number {
    return retryDelayMs(message.consumedTimes, this.options.backoff);
  }

  /** Hands `message` back to come again after `delayMs` (default: its backoff). */
  send(message: MQReceivedMessage, delayMs: number = this.delayFor(message)): void {
    const { topic, group } = this.options;
    const nack = withTransientRetry(
      () => this.options.transport.nack(topic, group, message, delayMs),
      this.retryPolicy,
      message.nextConsumeTime,
    ).then(
      () => this.options.onNacked(message, delayMs),
      (error: unknown) => {
        this.options.logger.warn(
          `MQ consumer ${this.options.consumer}: handing message ${message.messageId} back failed (${error instanceof Error ? error.message : String(error)}); it comes back when its invisibility window ends`,
          'MQConsumer',
        );
      },
    );
    this.inFlight.add(nack);
    void nack.finally(() => this.inFlight.delete(nack));
  }

  /** Resolves when every nack sent so far settled (the transport closes after this). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
