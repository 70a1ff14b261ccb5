/**
 * Contract between the Nest wiring (explorer/dispatcher, which knows about Nest) and the consumer
 * runtime (poll loops, slots, acks, orderly scheduling, shutdown drain — no Nest pipeline knowledge).
 */
import type { MQReceivedMessage } from '../../transport/index.js';

/** Fully resolved, validated options of one consumer (decorator < module defaults < overrides). */
export interface ResolvedConsumerOptions {
  /** Stable name, default `Class.method`; unique per connection. */
  name: string;
  /** Connection (module `name`) this consumer uses. */
  connection: string;
  topic: string;
  group: string;
  /** Tag filter list (joined with `||` on the wire); undefined = all. */
  tags?: string[];
  /** 1-16: most messages per poll (never more than free slots). */
  batchSize: number;
  /** 0-30: long-poll wait. */
  waitSeconds: number;
  /** Handlers running at once for this consumer. */
  concurrency: number;
  /** trans=order consumption, sequential per sharding key. */
  orderly: boolean;
  /** The handler gets each poll's messages at once (orderly: each sharding key's); default false. */
  batch?: boolean;
  /** Abort `ctx.signal` and count the delivery (batch consumers: the batch) as failed after this. */
  handlerTimeoutMs: number;
  /** ConsumedTimes above this → exhausted hook, then ack. undefined = never (broker DLQ applies). */
  maxAttempts?: number;
  /** Where the transport can hand a failed delivery back: wait `initialMs * 2^(attempt-1)` ≤ `maxMs`. */
  retryBackoff: { initialMs: number; maxMs: number };
  /** Start polling at bootstrap (else `registry.start(name)`). */
  autoStart: boolean;
}

/** What the runtime does with a delivery once the pipeline settled. */
export type DispatchOutcome = 'ack' | 'retry';

/**
 * Runs one message through the Nest pipeline and says whether to ack. Must never reject:
 * failures are reported through the returned `error` and mapped to 'retry' or 'ack' per policy.
 */
/**
 * One delivery's abort signal, created on first read. Most handlers never read `ctx.signal`, and an
 * AbortController costs a few µs per message (several % of a drain). A signal first read after the
 * delivery was aborted (handler timeout, drain deadline) is already aborted with that reason; one
 * read before is aborted when that happens.
 */
export interface DeliverySignal {
  readonly signal: AbortSignal;
  /** Why the delivery was aborted (handler timeout, drain deadline); reading it creates nothing. */
  readonly abortReason?: Error | undefined;
}

export type MessageDispatcher = (
  message: MQReceivedMessage,
  delivery: DeliverySignal,
) => Promise<{ outcome: DispatchOutcome; error?: unknown }>;

/** Called for a delivery whose attempt exceeds maxAttempts; resolves → ack, rejects → no ack. */
export type ExhaustedHandler = (message: MQReceivedMessage) => Promise<void>;
