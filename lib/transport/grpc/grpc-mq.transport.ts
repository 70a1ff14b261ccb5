/**
 * RocketMQ 5 (gRPC) behind the transport seam: an adapter over `RocketMQ5Client`, which owns the
 * sessions, deadlines and errors. What it adds: transaction handles (message id + transaction id
 * + source in the opaque receipt handle), the invisibility default, and one warning when an
 * orderly consumer's group is not a FIFO group on the server.
 */
import { MQInvalidArgumentError, MQServiceError } from '../../client/client.errors.js';
import type {
  MQAckResult,
  MQPublishInput,
  MQPublishResult,
  MQReceivedMessage,
} from '../../client/client.types.js';
import { RocketMQ5Client } from '../../client-grpc/rocketmq5.client.js';
import { isConfigurationCode } from '../../client-grpc/grpc.errors.js';
import { decodeMessage } from '../../client-grpc/message.codec.js';
import { CHECK_ANSWER_WINDOW_MS } from '../../client-grpc/transaction-checks.js';
import type {
  MQCheckRequest,
  MQReceiveRequest,
  MQTransport,
  MQTransportCallOptions,
} from '../mq-transport.js';
import type { MQConnectionCheck } from '../../client/connection.check.js';
import type { MQTransportConfig, MQTransportLogger } from '../transport.driver.js';
import { decodeTransactionHandle, encodeTransactionHandle } from './transaction.handle.js';

/** Invisibility of a receive that does not say (the Nest layer derives it from the handler timeout). */
export const DEFAULT_INVISIBLE_MS = 60_000;

const SILENT: MQTransportLogger = { log: () => undefined, warn: () => undefined };

export class GrpcMQTransport implements MQTransport {
  readonly kind = 'grpc' as const;
  readonly endpoint: string;
  readonly native: RocketMQ5Client;
  /** The proxy acks entry by entry; 16 keeps each request small, as on HTTP. */
  readonly maxAckBatch = 16;
  readonly supportsNack = true;
  readonly clientInvisibility = true;
  private readonly logger: MQTransportLogger;
  private readonly verifyDigest: boolean;
  /** Orderly groups already checked against the server's FIFO flag. */
  private readonly fifoChecked = new Set<string>();

  constructor(config: MQTransportConfig) {
    this.logger = config.logger ?? SILENT;
    const options = config.options;
    this.verifyDigest = options.verifyMd5 ?? true;
    this.native = new RocketMQ5Client(config.endpoint, config.credentials, {
      namespace: config.instanceId ?? '',
      ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.longPollMarginMs !== undefined && { longPollMarginMs: options.longPollMarginMs }),
      ...(options.tls !== undefined && { tls: options.tls }),
      ...(options.clock !== undefined && { clock: options.clock }),
      verifyDigest: this.verifyDigest,
      logger: this.logger,
    });
    this.endpoint = this.native.endpoint;
  }

  async publish(
    topic: string,
    input: MQPublishInput,
    options?: MQTransportCallOptions,
  ): Promise<MQPublishResult> {
    const sent = await this.native.publish(topic, input, options);
    const result: MQPublishResult = {
      messageId: sent.messageId,
      bodyMd5: sent.bodyMd5,
      requestId: sent.requestId,
    };
    if (sent.transactionId !== undefined) {
      result.receiptHandle = encodeTransactionHandle({
        source: 'client',
        messageId: sent.messageId,
        transactionId: sent.transactionId,
      });
    }
    return result;
  }

  async receive(request: MQReceiveRequest): Promise<MQReceivedMessage[]> {
    const messages = await this.native.receive({
      topic: request.topic,
      group: request.group,
      max: request.max,
      waitMs: request.waitSeconds * 1000,
      invisibleMs: request.invisibleMs ?? DEFAULT_INVISIBLE_MS,
      ...(request.tags !== undefined && { tags: request.tags }),
      ...(request.signal !== undefined && { signal: request.signal }),
    });
    if (request.orderly && !this.fifoChecked.has(request.group)) this.checkFifo(request);
    return messages;
  }

  ack(
    topic: string,
    group: string,
    messages: readonly MQReceivedMessage[],
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult> {
    return this.native.ack(topic, group, messages, options);
  }

  async nack(
    topic: string,
    group: string,
    message: MQReceivedMessage,
    delayMs: number,
    options?: MQTransportCallOptions,
  ): Promise<void> {
    await this.native.changeInvisibleDuration(
      topic,
      group,
      message.messageId,
      message.receiptHandle,
      delayMs,
      options,
    );
  }

  async receiveTransactionChecks(request: MQCheckRequest): Promise<MQReceivedMessage[]> {
    const checks = await this.native.receiveTransactionChecks(
      request.topic,
      request.max,
      request.waitSeconds * 1000,
      request.signal,
    );
    const out: MQReceivedMessage[] = [];
    for (const check of checks) {
      const message = decodeMessage(
        check.value.message,
        check.receivedAt,
        CHECK_ANSWER_WINDOW_MS,
        this.verifyDigest,
      );
      if (message === undefined) {
        this.logger.warn(
          `RocketMQ 5: a transaction check of ${request.topic} carried a message that does not match its body digest; left for the next check`,
        );
        continue;
      }
      message.receiptHandle = encodeTransactionHandle({
        source: 'check',
        messageId: message.messageId,
        transactionId: check.transactionId,
      });
      out.push(message);
    }
    return out;
  }

  commit(
    topic: string,
    _group: string,
    receiptHandle: string,
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult> {
    return this.endTransaction(topic, receiptHandle, 'COMMIT', options);
  }

  rollback(
    topic: string,
    _group: string,
    receiptHandle: string,
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult> {
    return this.endTransaction(topic, receiptHandle, 'ROLLBACK', options);
  }

  checkConnection(options?: MQTransportCallOptions): Promise<MQConnectionCheck> {
    return this.native.checkConnection(options);
  }

  isConfigurationError(error: unknown): boolean {
    if (error instanceof MQServiceError) return isConfigurationCode(error.code);
    return error instanceof MQInvalidArgumentError;
  }

  close(): Promise<void> {
    return this.native.close();
  }

  /**
   * EndTransaction. A refusal the proxy will not change its mind about (an unknown or expired
   * transaction, a bad request) is a per-handle failure, as on HTTP; network trouble and retryable
   * service errors reject, so callers retry them.
   */
  private async endTransaction(
    topic: string,
    receiptHandle: string,
    resolution: 'COMMIT' | 'ROLLBACK',
    options: MQTransportCallOptions | undefined,
  ): Promise<MQAckResult> {
    const handle = decodeTransactionHandle(receiptHandle);
    try {
      await this.native.endTransaction(
        topic,
        handle.messageId,
        handle.transactionId,
        resolution,
        handle.source === 'check' ? 'SOURCE_SERVER_CHECK' : 'SOURCE_CLIENT',
        options,
      );
      return { acked: [receiptHandle], failed: [], requestId: '' };
    } catch (error) {
      if (error instanceof MQServiceError && !error.retryable) {
        return {
          acked: [],
          failed: [{ receiptHandle, code: error.code, message: error.message }],
          requestId: error.requestId,
        };
      }
      throw error;
    }
  }

  /** Per-key order across polls needs the server's FIFO group: say so once when it is not. */
  private checkFifo(request: MQReceiveRequest): void {
    const fifo = this.native.isFifoGroup(request.group);
    if (fifo === undefined) return;
    this.fifoChecked.add(request.group);
    if (!fifo) {
      this.logger.warn(
        `RocketMQ 5: consumer group ${request.group} is orderly here but not a FIFO group on the server; ` +
          `messages of one sharding key (message group) can be delivered in parallel across polls. ` +
          `Create the group with ordered (FIFO) delivery.`,
      );
    }
  }
}
