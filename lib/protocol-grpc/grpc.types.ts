/**
 * TypeScript shapes of the `apache.rocketmq.v2` messages as grpc.loader.ts decodes them (camelCase,
 * enums as names, int64 as numbers, bytes as Buffer, defaults filled in). Only the messages of the
 * MessagingService RPCs are described. When building a message to send, any field may be left out.
 *
 * Decoded sub-messages that were absent read as `null`; proto3 `optional` scalars that were absent
 * read as `undefined`. Enum fields may hold a number when the peer sent a value this copy of the
 * protocol does not know.
 */

import type { RocketMQCode } from './grpc.status.js';

export type Long = number;

export interface Duration {
  seconds?: Long;
  nanos?: number;
}

export interface Timestamp {
  seconds?: Long;
  nanos?: number;
}

export interface Status {
  code?: RocketMQCode | number;
  message?: string;
}

export interface Resource {
  resourceNamespace?: string;
  name?: string;
}

export type AddressScheme = 'ADDRESS_SCHEME_UNSPECIFIED' | 'IPv4' | 'IPv6' | 'DOMAIN_NAME';

export interface Address {
  host?: string;
  port?: number;
}

export interface Endpoints {
  scheme?: AddressScheme | number;
  addresses?: Address[];
}

export interface Broker {
  name?: string;
  id?: number;
  endpoints?: Endpoints | null;
}

export type Permission = 'PERMISSION_UNSPECIFIED' | 'NONE' | 'READ' | 'WRITE' | 'READ_WRITE';

export type MessageType =
  'MESSAGE_TYPE_UNSPECIFIED' | 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION' | 'LITE' | 'PRIORITY';

export interface MessageQueue {
  topic?: Resource | null;
  id?: number;
  permission?: Permission | number;
  broker?: Broker | null;
  acceptMessageTypes?: (MessageType | number)[];
}

export type FilterType = 'FILTER_TYPE_UNSPECIFIED' | 'TAG' | 'SQL';

export interface FilterExpression {
  type?: FilterType | number;
  expression?: string;
}

export type DigestType = 'DIGEST_TYPE_UNSPECIFIED' | 'CRC32' | 'MD5' | 'SHA1';

export interface Digest {
  type?: DigestType | number;
  checksum?: string;
}

export type Encoding = 'ENCODING_UNSPECIFIED' | 'IDENTITY' | 'GZIP';

export type ClientType =
  | 'CLIENT_TYPE_UNSPECIFIED'
  | 'PRODUCER'
  | 'PUSH_CONSUMER'
  | 'SIMPLE_CONSUMER'
  | 'PULL_CONSUMER'
  | 'LITE_PUSH_CONSUMER'
  | 'LITE_SIMPLE_CONSUMER';

export interface DeadLetterQueue {
  topic?: string;
  messageId?: string;
}

export interface SystemProperties {
  tag?: string;
  keys?: string[];
  messageId?: string;
  bodyDigest?: Digest | null;
  bodyEncoding?: Encoding | number;
  messageType?: MessageType | number;
  bornTimestamp?: Timestamp | null;
  bornHost?: string;
  storeTimestamp?: Timestamp | null;
  storeHost?: string;
  deliveryTimestamp?: Timestamp | null;
  receiptHandle?: string;
  queueId?: number;
  queueOffset?: Long;
  invisibleDuration?: Duration | null;
  deliveryAttempt?: number;
  messageGroup?: string;
  traceContext?: string;
  orphanedTransactionRecoveryDuration?: Duration | null;
  deadLetterQueue?: DeadLetterQueue | null;
  liteTopic?: string;
  priority?: number;
}

export interface Message {
  topic?: Resource | null;
  userProperties?: Record<string, string>;
  systemProperties?: SystemProperties | null;
  body?: Buffer | Uint8Array;
}

export interface Assignment {
  messageQueue?: MessageQueue | null;
}

export interface ExponentialBackoff {
  initial?: Duration | null;
  max?: Duration | null;
  multiplier?: number;
}

export interface CustomizedBackoff {
  next?: Duration[];
}

export interface RetryPolicy {
  maxAttempts?: number;
  exponentialBackoff?: ExponentialBackoff | null;
  customizedBackoff?: CustomizedBackoff | null;
  strategy?: 'exponentialBackoff' | 'customizedBackoff';
}

export interface SubscriptionEntry {
  topic?: Resource | null;
  expression?: FilterExpression | null;
}

export interface Publishing {
  topics?: Resource[];
  maxBodySize?: number;
  validateMessageType?: boolean;
}

export interface Subscription {
  group?: Resource | null;
  subscriptions?: SubscriptionEntry[];
  fifo?: boolean;
  receiveBatchSize?: number;
  longPollingTimeout?: Duration | null;
  liteSubscriptionQuota?: number;
  maxLiteTopicSize?: number;
}

export interface UA {
  language?: string | number;
  version?: string;
  platform?: string;
  hostname?: string;
}

export interface Metric {
  on?: boolean;
  endpoints?: Endpoints | null;
}

export interface Settings {
  clientType?: ClientType | number;
  accessPoint?: Endpoints | null;
  backoffPolicy?: RetryPolicy | null;
  requestTimeout?: Duration | null;
  publishing?: Publishing | null;
  subscription?: Subscription | null;
  userAgent?: UA | null;
  metric?: Metric | null;
  pubSub?: 'publishing' | 'subscription';
}

// ---- RPC requests and responses ----------------------------------------------------------------

export interface QueryRouteRequest {
  topic?: Resource | null;
  endpoints?: Endpoints | null;
}
export interface QueryRouteResponse {
  status?: Status | null;
  messageQueues?: MessageQueue[];
}

export interface HeartbeatRequest {
  group?: Resource | null;
  clientType?: ClientType | number;
}
export interface HeartbeatResponse {
  status?: Status | null;
}

export interface SendMessageRequest {
  messages?: Message[];
}
export interface SendResultEntry {
  status?: Status | null;
  messageId?: string;
  transactionId?: string;
  offset?: Long;
  recallHandle?: string;
}
export interface SendMessageResponse {
  status?: Status | null;
  entries?: SendResultEntry[];
}

export interface QueryAssignmentRequest {
  topic?: Resource | null;
  group?: Resource | null;
  endpoints?: Endpoints | null;
}
export interface QueryAssignmentResponse {
  status?: Status | null;
  assignments?: Assignment[];
}

export interface ReceiveMessageRequest {
  group?: Resource | null;
  messageQueue?: MessageQueue | null;
  filterExpression?: FilterExpression | null;
  batchSize?: number;
  invisibleDuration?: Duration | null;
  autoRenew?: boolean;
  longPollingTimeout?: Duration | null;
  attemptId?: string;
}
/** One frame of the ReceiveMessage stream: exactly one of the three. */
export interface ReceiveMessageResponse {
  status?: Status | null;
  message?: Message | null;
  deliveryTimestamp?: Timestamp | null;
  content?: 'status' | 'message' | 'deliveryTimestamp';
}

export interface AckMessageEntry {
  messageId?: string;
  receiptHandle?: string;
  liteTopic?: string;
}
export interface AckMessageRequest {
  group?: Resource | null;
  topic?: Resource | null;
  entries?: AckMessageEntry[];
}
export interface AckMessageResultEntry {
  messageId?: string;
  receiptHandle?: string;
  status?: Status | null;
}
export interface AckMessageResponse {
  status?: Status | null;
  entries?: AckMessageResultEntry[];
}

export interface ForwardMessageToDeadLetterQueueRequest {
  group?: Resource | null;
  topic?: Resource | null;
  receiptHandle?: string;
  messageId?: string;
  deliveryAttempt?: number;
  maxDeliveryAttempts?: number;
  liteTopic?: string;
}
export interface ForwardMessageToDeadLetterQueueResponse {
  status?: Status | null;
}

export type TransactionResolution = 'TRANSACTION_RESOLUTION_UNSPECIFIED' | 'COMMIT' | 'ROLLBACK';
export type TransactionSource = 'SOURCE_UNSPECIFIED' | 'SOURCE_CLIENT' | 'SOURCE_SERVER_CHECK';

export interface EndTransactionRequest {
  topic?: Resource | null;
  messageId?: string;
  transactionId?: string;
  resolution?: TransactionResolution | number;
  source?: TransactionSource | number;
  traceContext?: string;
}
export interface EndTransactionResponse {
  status?: Status | null;
}

export interface RecoverOrphanedTransactionCommand {
  message?: Message | null;
  transactionId?: string;
}

export interface TelemetryCommand {
  status?: Status | null;
  settings?: Settings | null;
  threadStackTrace?: { nonce?: string; threadStackTrace?: string } | null;
  verifyMessageResult?: { nonce?: string } | null;
  recoverOrphanedTransactionCommand?: RecoverOrphanedTransactionCommand | null;
  printThreadStackTraceCommand?: { nonce?: string } | null;
  verifyMessageCommand?: { nonce?: string; message?: Message | null } | null;
  reconnectEndpointsCommand?: { nonce?: string } | null;
  notifyUnsubscribeLiteCommand?: { liteTopic?: string } | null;
  command?:
    | 'settings'
    | 'threadStackTrace'
    | 'verifyMessageResult'
    | 'recoverOrphanedTransactionCommand'
    | 'printThreadStackTraceCommand'
    | 'verifyMessageCommand'
    | 'reconnectEndpointsCommand'
    | 'notifyUnsubscribeLiteCommand';
}

export interface NotifyClientTerminationRequest {
  group?: Resource | null;
}
export interface NotifyClientTerminationResponse {
  status?: Status | null;
}

export interface ChangeInvisibleDurationRequest {
  group?: Resource | null;
  topic?: Resource | null;
  receiptHandle?: string;
  invisibleDuration?: Duration | null;
  messageId?: string;
  liteTopic?: string;
  suspend?: boolean;
}
export interface ChangeInvisibleDurationResponse {
  status?: Status | null;
  receiptHandle?: string;
}
