/**
 * Orderly consumption (trans=order): a batch is split by sharding key; each key's messages run one
 * at a time in the order received, different keys run in parallel (bounded by the slots, one per
 * message). The first failure of a key stops that key for this batch: its remaining messages are not
 * dispatched and not acked, so the broker redelivers them, in order, with the failed one. Only the
 * successful prefix of each key is acked.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { MessageDelivery } from './message-delivery.js';
import type { HandlerSlots } from './slots.js';

/** Key of messages without a sharding key (not expected on ordered topics): one sequence. */
const NO_SHARDING_KEY = '';

export class OrderlyScheduler {
  constructor(
    private readonly consumer: string,
    private readonly delivery: MessageDelivery,
    private readonly slots: HandlerSlots,
    private readonly isStopping: () => boolean,
    private readonly logger: LoggerService,
  ) {}

  /** Takes a batch whose slots (one per message) are already taken. */
  schedule(messages: MQReceivedMessage[]): void {
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

  private async runSequence(sequence: MQReceivedMessage[]): Promise<void> {
    let next = 0;
    try {
      while (next < sequence.length) {
        // While stopping, start nothing new: the drain waits only for handlers already running.
        if (this.isStopping()) break;
        const message = sequence[next++]!;
        const succeeded = await this.delivery.run(message);
        if (!succeeded) {
          // The key's later messages come back with the failed one (where it is handed back).
          if (next < sequence.length) this.delivery.handBackSkipped(sequence.slice(next), message);
          break;
        }
      }
    } catch (error) {
      // delivery.run never rejects; this guards the invariant that every slot is given back.
      this.logger.error(
        `MQ consumer ${this.consumer}: orderly sequence failed unexpectedly: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
        'MQConsumer',
      );
    } finally {
      const skipped = sequence.length - next;
      if (skipped > 0) {
        this.logger.debug?.(
          `MQ consumer ${this.consumer}: ${skipped} message(s) of sharding key "${sequence[next]!.shardingKey ?? ''}" not dispatched after a failure or stop; they come back with their partition`,
          'MQConsumer',
        );
        this.slots.release(skipped);
      }
    }
  }
}
