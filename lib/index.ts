/**
 * nestjs-aliyun-mq: the Nest integration, plus the client's public types and errors.
 * The client itself is also available alone as `nestjs-aliyun-mq/client`, the emulator as
 * `nestjs-aliyun-mq/emulator` and the test helpers as `nestjs-aliyun-mq/testing`.
 */
export * from './nest/index.js';
export {
  MQClient,
  MQError,
  MQServiceError,
  MQNetworkError,
  MQTimeoutError,
  MQAbortError,
  MQProtocolError,
  MQInvalidArgumentError,
} from './client/index.js';
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
} from './client/index.js';
