/**
 * The seam between the Nest layer and a wire protocol. The Nest module (producer, consumer runners,
 * transaction checkers, health, telemetry) is written once against this interface; each protocol
 * implements it: the MQ HTTP protocol of ApsaraMQ 4.x (`http/`) and RocketMQ 5's gRPC protocol
 * (`grpc/`, ApsaraMQ 5.x and Apache RocketMQ 5 proxies).
 *
 * Messages, results and errors are the package's one vocabulary (`MQReceivedMessage`,
 * `MQPublishResult`, `MQError` and its subclasses) whatever the protocol: a transport translates.
 */
import type {
  MQAckResult,
  MQPublishInput,
  MQPublishResult,
  MQReceivedMessage,
} from '../client/client.types.js';
import type { MQConnectionCheck } from '../client/connection.check.js';

/** The protocols a connection can speak (module option `transport`). */
export type MQTransportKind = 'http' | 'grpc';

/** Per-call options of every transport operation. */
export interface MQTransportCallOptions {
  /**
   * Aborts the call (it rejects with `MQAbortError`). A receive whose answer has started arriving
   * completes instead: the broker has handed those messages out already, and cutting the answer
   * would hide them from every consumer until their invisibility window ends.
   */
  signal?: AbortSignal;
  /**
   * Shortens the call's deadline to this many ms (never lengthens the transport's own), e.g.
   * what is left of a retry budget or of a shutdown's drain deadline.
   */
  timeoutMs?: number;
}

/** One receive (long poll) of a consumer group. */
export interface MQReceiveRequest extends MQTransportCallOptions {
  topic: string;
  group: string;
  /** Per-key order: HTTP `trans=order` partitions, RocketMQ 5 FIFO message groups. */
  orderly: boolean;
  /** Most messages to return (never more than the consumer has free handler slots for). */
  max: number;
  /** Long-poll wait in seconds (0 = answer at once). */
  waitSeconds: number;
  /** Tag filter (any of them); undefined = every message. */
  tags?: readonly string[];
  /**
   * How long the received messages stay invisible to other consumers, where the protocol lets the
   * client choose (RocketMQ 5). The MQ HTTP protocol ignores it: the service fixes the window.
   */
  invisibleMs?: number;
}

/** One receive of undecided transactional half messages that are due for a check. */
export interface MQCheckRequest extends MQTransportCallOptions {
  topic: string;
  /** The transaction producer's group. */
  group: string;
  max: number;
  waitSeconds: number;
}

export interface MQTransport {
  readonly kind: MQTransportKind;
  /** Where it connects, for logs and health reports (never carries credentials). */
  readonly endpoint: string;
  /**
   * The protocol client underneath, for what the transport does not wrap: the `MQClient` on HTTP.
   * Typed `unknown` on purpose: code that needs it knows which protocol it configured.
   */
  readonly native: unknown;
  /** Most messages one ack request may settle. */
  readonly maxAckBatch: number;
  /**
   * True when a failed delivery can be handed back early (`nack`). The MQ HTTP protocol has no nack:
   * a message that is not acked comes back when its invisibility window ends.
   */
  readonly supportsNack: boolean;
  /**
   * True when a receive's `invisibleMs` decides how long its messages stay invisible (RocketMQ 5);
   * false when the service fixes the window (HTTP: 5 min, 1 min orderly).
   */
  readonly clientInvisibility: boolean;

  publish(
    topic: string,
    input: MQPublishInput,
    options?: MQTransportCallOptions,
  ): Promise<MQPublishResult>;

  /** Resolves `[]` when the wait ends with nothing to deliver. */
  receive(request: MQReceiveRequest): Promise<MQReceivedMessage[]>;

  /**
   * Settles delivered messages (at most `maxAckBatch`). Per-message refusals (an expired handle)
   * are in `result.failed`, keyed by receipt handle; the promise rejects only when the request
   * itself failed (network, deadline, service error).
   */
  ack(
    topic: string,
    group: string,
    messages: readonly MQReceivedMessage[],
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult>;

  /**
   * Hands a failed delivery back so that it is delivered again after `delayMs` (RocketMQ 5:
   * ChangeInvisibleDuration). Only called when `supportsNack` is true.
   */
  nack(
    topic: string,
    group: string,
    message: MQReceivedMessage,
    delayMs: number,
    options?: MQTransportCallOptions,
  ): Promise<void>;

  /** Half messages whose local transaction outcome the broker asks about. */
  receiveTransactionChecks(request: MQCheckRequest): Promise<MQReceivedMessage[]>;

  /**
   * Settles a half message: `receiptHandle` is the one returned by a transactional publish or
   * carried by a check. Refusals are in `result.failed`.
   */
  commit(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult>;
  rollback(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult>;

  /**
   * One request that changes nothing, bounded by the transport's request deadline: resolves when
   * the peer answers as the service and accepts the credentials (whatever it says about the
   * probe's own resource). Rejects with the error met: a non-retryable `MQServiceError` is a
   * refusal of the request itself (credentials, signature, clock), a retryable one proves nothing;
   * `MQNetworkError` / `MQTimeoutError`: unreachable; `MQProtocolError`: something else answered.
   */
  checkConnection(options?: MQTransportCallOptions): Promise<MQConnectionCheck>;

  /**
   * True for failures that retrying does not fix (credentials, permissions, missing topic or
   * group, bad parameters, a closed transport): a consumer that meets one is unhealthy, not
   * backing off.
   */
  isConfigurationError(error: unknown): boolean;

  /** Ends every call still in flight (bounded) and releases connections. Idempotent. */
  close(): Promise<void>;
}
