import type { MQReceivedMessage } from '../../transport/index.js';
import type { MQContext } from '../context/mq.context.js';

/**
 * Called for a delivery whose attempt (ConsumedTimes) exceeds `maxAttempts`, with the consumer's
 * instance as `this`. Resolving acks the message (e.g. after parking it on another topic);
 * throwing leaves it unacked, so it comes back and the hook runs again.
 */
export type MQExhaustedHook = (
  this: any,
  message: MQReceivedMessage,
  ctx: MQContext,
) => unknown | Promise<unknown>;

/** Turns the message body into the handler's payload. */
export type MQDeserializer = (body: string, message: MQReceivedMessage) => unknown;

/** How long a failed delivery waits before it comes back (RocketMQ 5; see `retryBackoff`). */
export interface MQRetryBackoff {
  /** Wait after the first failed attempt, in ms (default 1 000). */
  initialMs?: number;
  /** Longest wait, in ms (default 300 000); the wait doubles with every attempt up to it. */
  maxMs?: number;
}

/** Options of `@MQConsumer(topic, group, options)`. */
export interface MQConsumerOptions {
  /** Tag filter: one tag or a list (the broker matches any); omitted = every message. */
  tag?: string | string[];
  /** Most messages per poll, 1-16 (default 16); never more than free handler slots. */
  batchSize?: number;
  /** Long-poll wait in seconds, 0-30 (default 30). */
  waitSeconds?: number;
  /**
   * Handlers of this consumer running at once (default 16, one full batch; 1 = sequential).
   * For an orderly consumer: sharding keys processed in parallel (each key stays sequential).
   */
  concurrency?: number;
  /** Consume orderly (`trans=order`): one message at a time per sharding key, in order. */
  orderly?: boolean;
  /**
   * Hand the handler a whole batch (default false): the messages of one poll (at most
   * `batchSize`, and never more than free `concurrency` slots; orderly: one batch per sharding key
   * of the poll, in order). The handler gets `(payloads[], messages[], MQBatchContext)`; success
   * acks every message, a failure acks only those marked with `ctx.markDone()` and retries the
   * rest. `handlerTimeoutMs` applies to the batch.
   */
  batch?: boolean;
  /**
   * After this many ms `ctx.signal` aborts and the delivery (a batch handler: the batch) counts as
   * failed (no ack). Default
   * 4 min (50 s when orderly), under the broker's 300 s (60 s) invisibility window: a handler that
   * outlives the window loses its receipt handle and the message is delivered twice.
   */
  handlerTimeoutMs?: number;
  /** A delivery with ConsumedTimes above this goes to `onExhausted` and is then acked. */
  maxAttempts?: number;
  /**
   * RocketMQ 5 (`transport: 'grpc'`): a delivery that is not acked is handed back at once
   * (ChangeInvisibleDuration) to come back after `initialMs * 2^(attempt - 1)`, at most `maxMs`
   * (default 1 s doubling to 5 min). The MQ HTTP protocol has no such call: there a failed
   * message comes back when its invisibility window ends (5 min, 1 min orderly).
   */
  retryBackoff?: MQRetryBackoff;
  /** Name of a method of the same class, or a function called with the instance as `this`. */
  onExhausted?: string | MQExhaustedHook;
  /** Stable id for the registry, logs, events and module `consumers` overrides (default `Class.method`). */
  name?: string;
  /** Connection (`MQModule.forRoot({ name })`) to consume from (default: the default connection). */
  connection?: string;
  /** Start polling at bootstrap (default true); otherwise `MQConsumerRegistry.start(name)`. */
  autoStart?: boolean;
  /**
   * `'json'` (default): `JSON.parse` when the body starts with `{` or `[`, else the text.
   * `'text'`: the body as is. A function: your own (a throw counts as an invalid message).
   */
  deserialize?: 'json' | 'text' | MQDeserializer;
}

/** Module-level defaults for every consumer of a connection (decorator options win over them). */
export type MQConsumerDefaults = Pick<
  MQConsumerOptions,
  | 'batchSize'
  | 'waitSeconds'
  | 'concurrency'
  | 'handlerTimeoutMs'
  | 'maxAttempts'
  | 'retryBackoff'
  | 'autoStart'
  | 'deserialize'
>;

/**
 * Per-consumer overrides from the module options (`consumers: { [name]: ... }`); they win over the
 * decorator, so values can come from `ConfigService` in `forRootAsync`. `batch` is not among them:
 * it changes the handler's parameters, so only the decorator says it.
 */
export interface MQConsumerOverrides extends Omit<
  MQConsumerOptions,
  'name' | 'connection' | 'onExhausted' | 'batch'
> {
  topic?: string;
  group?: string;
}
