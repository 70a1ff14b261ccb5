/**
 * A RocketMQ 5 client on @grpc/grpc-js: producer, simple consumers and transaction checks of one
 * endpoint (ApsaraMQ for RocketMQ 5.x, or an Apache RocketMQ 5 proxy), speaking the package's
 * message vocabulary and errors. No Nest import.
 *
 * What it keeps running: one HTTP/2 connection, one Telemetry stream per session (the producer,
 * and the simple consumer of each group), one heartbeat interval for all sessions (unref'd) and
 * reconnect timers of broken streams (unref'd). Every call has a gRPC deadline; close() sends
 * NotifyClientTermination per session and is bounded by `closeTimeoutMs`.
 */
import type {
  MQAckResult,
  MQCredentials,
  MQCredentialsProvider,
  MQPublishInput,
  MQReceivedMessage,
} from '../client/client.types.js';
import type { MQConnectionCheck } from '../client/connection.check.js';
import { ClientCore, type RawTransactionCheck } from './client.core.js';
import { checkConnection } from './connection.check.js';
import { resolveRocketMQ5Options, type RocketMQ5ClientOptions } from './client.options.js';
import {
  ackMessages,
  changeInvisibleDuration,
  receiveMessages,
  type AckEntry,
  type ReceiveRequest,
} from './consumer.calls.js';
import {
  endTransaction,
  sendMessage,
  type CallOptions,
  type SendResult,
} from './producer.calls.js';
import type { PendingCheck } from './transaction-checks.js';

export type TransactionCheck = PendingCheck<RawTransactionCheck>;

export class RocketMQ5Client {
  /** host:port. */
  readonly endpoint: string;
  private readonly core: ClientCore;

  constructor(
    endpoint: string,
    credentials: MQCredentials | MQCredentialsProvider,
    options?: RocketMQ5ClientOptions,
  ) {
    this.core = new ClientCore(endpoint, credentials, resolveRocketMQ5Options(options));
    this.endpoint = this.core.channel.endpoint.target;
  }

  get namespace(): string {
    return this.core.options.namespace;
  }

  publish(topic: string, input: MQPublishInput, options?: CallOptions): Promise<SendResult> {
    return sendMessage(this.core, topic, input, options);
  }

  receive(request: ReceiveRequest): Promise<MQReceivedMessage[]> {
    return receiveMessages(this.core, request);
  }

  ack(
    topic: string,
    group: string,
    entries: readonly AckEntry[],
    options?: CallOptions,
  ): Promise<MQAckResult> {
    return ackMessages(this.core, topic, group, entries, options);
  }

  changeInvisibleDuration(
    topic: string,
    group: string,
    messageId: string,
    receiptHandle: string,
    invisibleMs: number,
    options?: CallOptions,
  ): Promise<string> {
    return changeInvisibleDuration(
      this.core,
      topic,
      group,
      messageId,
      receiptHandle,
      invisibleMs,
      options,
    );
  }

  /** Commits or rolls back a half message: `source` says whether a check asked (SERVER_CHECK). */
  endTransaction(
    topic: string,
    messageId: string,
    transactionId: string,
    resolution: 'COMMIT' | 'ROLLBACK',
    source: 'SOURCE_CLIENT' | 'SOURCE_SERVER_CHECK',
    options?: CallOptions,
  ): Promise<void> {
    return endTransaction(this.core, topic, messageId, transactionId, resolution, source, options);
  }

  /**
   * Orphaned-transaction checks of a topic the proxy pushed to this producer: up to `max`, waiting
   * up to `waitMs` for the first. The first call registers the topic with the proxy (a producer
   * of the topic is who it asks).
   */
  async receiveTransactionChecks(
    topic: string,
    max: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<TransactionCheck[]> {
    this.core.assertOpen();
    await this.core.producerWith(topic).ready(signal);
    return this.core.checks.take(topic, max, waitMs, signal);
  }

  /**
   * One call that changes nothing (an ack of a handle that cannot exist), within the request
   * deadline: resolves with the proxy's answer about the probe when it took the credentials.
   */
  checkConnection(options?: CallOptions): Promise<MQConnectionCheck> {
    this.core.assertOpen();
    return checkConnection(this.core, options?.signal);
  }

  /** The proxy's FIFO flag of a consumer group (from its settings reply), once known. */
  isFifoGroup(group: string): boolean | undefined {
    return this.core.consumer(group).serverSettings?.subscription?.fifo;
  }

  /** Ends every call, tells the proxy each session is going away, closes the connection. */
  close(): Promise<void> {
    return this.core.close();
  }
}

export type { SendResult, ReceiveRequest, AckEntry, CallOptions };
