/**
 * Shared types of the consumer runtime: lifecycle status, the slice of the MQ client the runners
 * use, and the dependencies a runner is built with.
 */
import type { LoggerService } from '@nestjs/common';
import type {
  MQAckResult,
  MQCallOptions,
  MQConsumeOptions,
  MQReceivedMessage,
} from '../../client/client.types.js';
import type { MQEvent } from '../interfaces/mq-events.interface.js';
import type { ExhaustedHandler, MessageDispatcher } from './consumer.contract.js';

/**
 * - `idle`: built, never started. `running`: polling. `paused`: no new polls (handlers may still run).
 * - `backing-off`: the last poll failed with a transient error; waiting before the next one.
 * - `unhealthy`: the last polls failed with an auth/config error; polling slowly until one succeeds.
 * - `stopping`: polls aborted, draining handlers and acks. `stopped`: done (start() may run it again).
 */
export type RunnerStatus =
  'idle' | 'running' | 'paused' | 'backing-off' | 'unhealthy' | 'stopping' | 'stopped';

/**
 * The client operations the runners call. `MQClient` satisfies it structurally; naming only what is
 * used keeps the runtime independent of the client's construction and pools.
 */
export interface RunnerClient {
  consume(topic: string, group: string, options?: MQConsumeOptions): Promise<MQReceivedMessage[]>;
  consumeOrderly(
    topic: string,
    group: string,
    options?: MQConsumeOptions,
  ): Promise<MQReceivedMessage[]>;
  consumeHalf(
    topic: string,
    group: string,
    options?: MQConsumeOptions,
  ): Promise<MQReceivedMessage[]>;
  ack(
    topic: string,
    group: string,
    receiptHandles: string[],
    options?: MQCallOptions,
  ): Promise<MQAckResult>;
  commit(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQCallOptions,
  ): Promise<MQAckResult>;
  rollback(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQCallOptions,
  ): Promise<MQAckResult>;
}

/** Where runner events go (an rxjs Subject fits). */
export interface RunnerEventSink {
  next(event: MQEvent): void;
}

/** What every poll loop (consumer or transaction checker) needs. */
export interface PollLoopDeps {
  client: RunnerClient;
  events: RunnerEventSink;
  logger: LoggerService;
  /** Transient poll errors: full-jitter exponential backoff (default initial 500 ms, max 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Wait between polls while auth/config errors persist (default 60 000 ms). */
  unhealthyBackoffMs?: number;
  /** Source of jitter in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
  /** Instance id (`ns`) for every call; the client's default when omitted. */
  instanceId?: string;
  /**
   * Short polling only (waitSeconds 0): wait this long after an empty answer so that an idle
   * consumer does not hammer the server (default 1 000 ms). Long polls loop again at once.
   */
  emptyPollDelayMs?: number;
}

/** Dependencies of a `ConsumerRunner`. */
export interface RunnerDeps extends PollLoopDeps {
  dispatch: MessageDispatcher;
  /** Called for deliveries beyond `maxAttempts`; without it such messages are acked with a warning. */
  onExhausted?: ExhaustedHandler;
}
