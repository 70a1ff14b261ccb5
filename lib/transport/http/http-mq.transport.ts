/**
 * The MQ HTTP protocol (ApsaraMQ for RocketMQ 4.x) behind the transport seam: a thin adapter over
 * `MQClient`, which owns requests, signing, pools and deadlines.
 */
import { MQInvalidArgumentError, MQServiceError } from '../../client/client.errors.js';
import type {
  MQAckResult,
  MQConsumeOptions,
  MQPublishInput,
  MQPublishResult,
  MQReceivedMessage,
} from '../../client/client.types.js';
import type { MQConnectionCheck } from '../../client/connection.check.js';
import type { MQClient } from '../../client/mq.client.js';
import { MQ_LIMITS } from '../../protocol/limits.js';
import type {
  MQCheckRequest,
  MQReceiveRequest,
  MQTransport,
  MQTransportCallOptions,
} from '../mq-transport.js';

/**
 * Service codes that no amount of retrying fixes: credentials, permissions, clock skew, missing
 * resources, bad parameters. Polling fast on them only produces log noise and bills requests.
 */
const CONFIGURATION_CODES: ReadonlySet<string> = new Set([
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AccessDenied',
  'TopicNotExist',
  'SubscriptionNotExist',
  'InvalidArgument',
  'TimeExpired',
  'MissingAuthorizationHeader',
  'InvalidAuthorizationHeader',
  'HTTPForbidden',
  // A Date header the server refuses is a clock or client defect, not a passing condition.
  'MissingDateHeader',
  'InvalidDateHeader',
]);

export class HttpMQTransport implements MQTransport {
  readonly kind = 'http' as const;
  readonly endpoint: string;
  readonly maxAckBatch = MQ_LIMITS.maxHandlesPerAck;
  readonly supportsNack = false;
  readonly clientInvisibility = false;

  constructor(readonly native: MQClient) {
    this.endpoint = native.endpoint;
  }

  publish(
    topic: string,
    input: MQPublishInput,
    options?: MQTransportCallOptions,
  ): Promise<MQPublishResult> {
    return this.native.publish(topic, input, options);
  }

  receive(request: MQReceiveRequest): Promise<MQReceivedMessage[]> {
    const options: MQConsumeOptions = {
      numOfMessages: request.max,
      waitSeconds: request.waitSeconds,
    };
    if (request.signal !== undefined) options.signal = request.signal;
    if (request.timeoutMs !== undefined) options.timeoutMs = request.timeoutMs;
    if (request.tags !== undefined) options.tag = request.tags as string[];
    return request.orderly
      ? this.native.consumeOrderly(request.topic, request.group, options)
      : this.native.consume(request.topic, request.group, options);
  }

  ack(
    topic: string,
    group: string,
    messages: readonly MQReceivedMessage[],
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult> {
    const handles = new Array<string>(messages.length);
    for (let i = 0; i < messages.length; i++) handles[i] = messages[i]!.receiptHandle;
    return this.native.ack(topic, group, handles, options);
  }

  nack(): Promise<void> {
    // Never called (supportsNack is false): an unacked message comes back at NextConsumeTime.
    return Promise.reject(
      new MQInvalidArgumentError(
        'nack',
        'the MQ HTTP protocol has no nack; leave the message unacked',
      ),
    );
  }

  receiveTransactionChecks(request: MQCheckRequest): Promise<MQReceivedMessage[]> {
    const options: MQConsumeOptions = {
      numOfMessages: request.max,
      waitSeconds: request.waitSeconds,
    };
    if (request.signal !== undefined) options.signal = request.signal;
    if (request.timeoutMs !== undefined) options.timeoutMs = request.timeoutMs;
    return this.native.consumeHalf(request.topic, request.group, options);
  }

  commit(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult> {
    return this.native.commit(topic, group, receiptHandle, options);
  }

  rollback(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQTransportCallOptions,
  ): Promise<MQAckResult> {
    return this.native.rollback(topic, group, receiptHandle, options);
  }

  checkConnection(options?: MQTransportCallOptions): Promise<MQConnectionCheck> {
    return this.native.checkConnection(options);
  }

  isConfigurationError(error: unknown): boolean {
    if (error instanceof MQServiceError) return CONFIGURATION_CODES.has(error.code);
    // Rejected before sending (bad tag, closed client): a configuration problem.
    return error instanceof MQInvalidArgumentError;
  }

  close(): Promise<void> {
    return this.native.close();
  }
}
