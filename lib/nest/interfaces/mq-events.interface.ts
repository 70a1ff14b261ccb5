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
      /**
       * Transaction checks answered commit/rollback only. `false`: an earlier attempt's answer was
       * lost and the retry found the handle already used, so that attempt most likely settled it.
       */
      confirmed?: boolean;
    })
  | (MQMessageEventBase & { type: 'message.failed'; error: unknown; durationMs: number })
  | (MQMessageEventBase & { type: 'message.exhausted' })
  | (MQMessageEventBase & {
      type: 'message.acked';
      /**
       * `true`: the broker answered that it took this ack. `false`: an earlier attempt's answer was
       * lost (network error, timeout, 5xx) and the retry found the handle already used, which is
       * what that attempt having worked looks like; the message is most likely not coming back.
       */
      confirmed: boolean;
    })
  /**
   * RocketMQ 5: a delivery that was not acked has been handed back (ChangeInvisibleDuration); it
   * comes back in `retryInMs` (the consumer's `retryBackoff`).
   */
  | (MQMessageEventBase & { type: 'message.nacked'; retryInMs: number })
  | (MQMessageEventBase & {
      type: 'message.ack-failed';
      /** The broker's code (e.g. `MessageNotExist`), or the error's name (e.g. `MQTimeoutError`). */
      code: string;
      error: string;
      /**
       * `true` when an attempt may have reached the broker before its answer was lost: the message
       * may be acked after all. `false`: it was not acked and will be delivered again.
       */
      maybeAcked: boolean;
    });

export type MQEventType = MQEvent['type'];
