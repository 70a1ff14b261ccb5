/**
 * Shared types of the consumer runtime: lifecycle status, the slice of the transport the runners
 * use, and the dependencies a runner is built with.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQTransport } from '../../transport/index.js';
import type { MQEvent } from '../interfaces/mq-events.interface.js';
import type { BatchDispatcher } from './batch.contract.js';
import type { ExhaustedHandler, MessageDispatcher } from './consumer.contract.js';

/**
 * - `idle`: built, never started. `running`: polling. `paused`: no new polls (handlers may still run).
 * - `backing-off`: the last poll failed with a transient error; waiting, then probing with a short
 *   poll (back to `running` as soon as one works).
 * - `unhealthy`: the last polls failed with an auth/config error; polling slowly until one succeeds.
 * - `stopping`: polls aborted, draining handlers and acks. `stopped`: done (start() may run it again).
 */
export type RunnerStatus =
  'idle' | 'running' | 'paused' | 'backing-off' | 'unhealthy' | 'stopping' | 'stopped';

/**
 * The transport operations the runners call. Naming only what is used keeps the runtime
 * independent of how transports are built and closed.
 */
export type RunnerTransport = Pick<
  MQTransport,
  | 'receive'
  | 'ack'
  | 'maxAckBatch'
  | 'nack'
  | 'supportsNack'
  | 'clientInvisibility'
  | 'receiveTransactionChecks'
  | 'commit'
  | 'rollback'
  | 'isConfigurationError'
>;

/** Where runner events go (an rxjs Subject fits). */
export interface RunnerEventSink {
  next(event: MQEvent): void;
  /** False when nobody listens: the runner then builds no event (absent: always build them). */
  readonly observed?: boolean;
}

/** What every poll loop (consumer or transaction checker) needs. */
export interface PollLoopDeps {
  transport: RunnerTransport;
  events: RunnerEventSink;
  logger: LoggerService;
  /**
   * Transient poll errors: exponential backoff with equal jitter (default initial 200 ms, max
   * 1 000 ms); each wait ends with one probe (a short poll), long polls resume once it works.
   */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Wait between polls while auth/config errors persist (default 60 000 ms). */
  unhealthyBackoffMs?: number;
  /** Source of jitter in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
  /**
   * Short polling only (waitSeconds 0): wait this long after an empty answer so that an idle
   * consumer does not hammer the server (default 1 000 ms). Long polls loop again at once.
   */
  emptyPollDelayMs?: number;
}

/** Dependencies of a `ConsumerRunner`: exactly one of the two dispatchers (checked when built). */
export interface RunnerDeps extends PollLoopDeps {
  /** Runs one message (every consumer but batch ones). */
  dispatch?: MessageDispatcher;
  /** Runs one batch (`batch: true` consumers). */
  dispatchBatch?: BatchDispatcher;
  /** Called for deliveries beyond `maxAttempts`; without it such messages are acked with a warning. */
  onExhausted?: ExhaustedHandler;
}
