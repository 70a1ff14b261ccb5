/**
 * Names of the OpenTelemetry signals this package emits: the messaging semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/messaging/, RocketMQ section) plus a few of its own.
 * Written out rather than imported from `@opentelemetry/semantic-conventions`, which would be one
 * more dependency for a handful of strings.
 */
import { MQServiceError } from '../../transport/index.js';

/** Instrumentation scope (tracer and meter name). */
export const SCOPE_NAME = 'nestjs-aliyun-mq';

export const ATTR = {
  system: 'messaging.system',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  consumerGroup: 'messaging.consumer.group.name',
  messageId: 'messaging.message.id',
  bodySize: 'messaging.message.body.size',
  batchCount: 'messaging.batch.message_count',
  tag: 'messaging.rocketmq.message.tag',
  keys: 'messaging.rocketmq.message.keys',
  messageType: 'messaging.rocketmq.message.type',
  messageGroup: 'messaging.rocketmq.message.group',
  deliveryTimestamp: 'messaging.rocketmq.message.delivery_timestamp',
  namespace: 'messaging.rocketmq.namespace',
  consumptionModel: 'messaging.rocketmq.consumption_model',
  /**
   * The broker's delivery count of the message, 1 on the first delivery (`ctx.attempt`). The
   * conventions name no RocketMQ attribute for it; this one follows the pattern of
   * `messaging.gcp_pubsub.message.delivery_attempt`.
   */
  deliveryAttempt: 'messaging.rocketmq.message.delivery_attempt',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  /** This package's own: the consumer (or transaction checker) name, and its status. */
  consumerName: 'aliyun_mq.consumer.name',
  consumerStatus: 'aliyun_mq.consumer.status',
} as const;

export const METRIC = {
  sent: 'messaging.client.sent.messages',
  consumed: 'messaging.client.consumed.messages',
  processDuration: 'messaging.process.duration',
  operationDuration: 'messaging.client.operation.duration',
  /** This package's own: messages taken from the broker and not done with yet, per consumer. */
  inFlight: 'aliyun_mq.consumer.in_flight',
  /** This package's own: 1 for the consumer's current status, 0 for the others. */
  status: 'aliyun_mq.consumer.status',
} as const;

/** The conventions' advice for both duration histograms, in seconds. */
export const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

export const SYSTEM = 'rocketmq';

/**
 * The value of `error.type` for a failure (low cardinality): the service's error code for a
 * service error (e.g. `TopicNotExist`), else the error's name, else the thrown value's type.
 */
export function errorType(error: unknown): string {
  if (error instanceof MQServiceError) return error.code;
  if (error instanceof Error) return error.name || 'Error';
  return error === null ? 'null' : typeof error;
}
