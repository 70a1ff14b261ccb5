/** Events emitted on `MQConsumerRegistry.events$` (a discriminated union on `type`). */

interface MQEventBase {
  /** Consumer name (default `Class.method`). */
  consumer: string;
  topic: string;
  group: string;
  /** Epoch ms (local wall clock). */
  at: number;
}

export interface MQMessageEventBase extends MQEventBase {
  messageId: string;
  /** ConsumedTimes of this delivery. */
  attempt: number;
}

export type MQEvent =
  | (MQEventBase & { type: 'consumer.started' })
  | (MQEventBase & { type: 'consumer.stopped' })
  | (MQEventBase & { type: 'consumer.paused' })
  | (MQEventBase & { type: 'consumer.resumed' })
  | (MQEventBase & { type: 'consumer.unhealthy'; error: Error })
  | (MQEventBase & { type: 'consumer.recovered' })
  | (MQEventBase & { type: 'poll.error'; error: Error; retryInMs: number })
  | (MQMessageEventBase & { type: 'message.received' })
  | (MQMessageEventBase & {
      type: 'message.succeeded';
      durationMs: number;
      /** Transaction checks only: what the checker answered (commit/rollback were accepted). */
      decision?: 'commit' | 'rollback' | 'unknown';
    })
  | (MQMessageEventBase & { type: 'message.failed'; error: unknown; durationMs: number })
  | (MQMessageEventBase & { type: 'message.exhausted' })
  | (MQMessageEventBase & { type: 'message.acked' })
  /**
   * RocketMQ 5: a delivery that was not acked has been handed back (ChangeInvisibleDuration); it
   * comes back in `retryInMs` (the consumer's `retryBackoff`).
   */
  | (MQMessageEventBase & { type: 'message.nacked'; retryInMs: number })
  | (MQMessageEventBase & { type: 'message.ack-failed'; code: string; error: string });

export type MQEventType = MQEvent['type'];
