/** Public surface of `nestjs-aliyun-mq/client`: the MQ HTTP client, its errors and types. */
export { MQClient } from './mq.client.js';
export {
  MQError,
  MQServiceError,
  MQNetworkError,
  MQTimeoutError,
  MQAbortError,
  MQProtocolError,
  MQInvalidArgumentError,
} from './client.errors.js';
export type {
  MQCredentials,
  MQCredentialsProvider,
  MQClientOptions,
  MQCallOptions,
  MQPublishInput,
  MQPublishResult,
  MQConsumeOptions,
  MQReceivedMessage,
  MQAckFailure,
  MQAckResult,
} from './client.types.js';
export type { MQConnectionCheck } from './connection.check.js';
export { OnsHttpClient } from './ons/ons.client.js';
export type {
  OnsHttpClientOptions,
  OnsCallOptions,
  OnsPublishInput,
  OnsPublishResult,
  OnsConsumeOptions,
  OnsReceivedMessage,
} from './ons/ons.types.js';
