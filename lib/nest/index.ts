/** Public surface of the Nest integration (re-exported by the package barrel). */
export { MQModule } from './mq.module.js';
export { MQProducer } from './mq.producer.js';
export { MQConsumerRegistry, type MQConsumerInfo } from './mq.registry.js';
export * from './decorators/index.js';
export { MQ_CONTEXT_TYPE, DEFAULT_CONNECTION } from './mq.constants.js';
export { getMQClientToken, getMQOptionsToken, getMQProducerToken } from './mq.tokens.js';
export type { MQContext } from './context/mq.context.js';
export type { MQBatchContext, MQBatchItem } from './context/mq-batch.context.js';
export type { MQRequest, MQBatchRequest } from './context/mq-request.js';
export { isMQContext, getMQContext, getMQBatchContext } from './context/is-mq-context.js';
export { MQInvalidMessageError } from './exceptions/mq-invalid-message.error.js';
export { MQDeliveryRejectedError } from './exceptions/mq-delivery-rejected.error.js';
export {
  MQBatchDrainTimeoutError,
  MQBatchTimeoutError,
  MQDrainTimeoutError,
  MQHandlerTimeoutError,
  type RunnerStatus,
} from './consumer/index.js';
export type {
  MQModuleOptions,
  MQModuleAsyncOptions,
  MQModuleExtras,
  MQOptionsFactory,
  MQFailurePolicy,
} from './interfaces/mq-module-options.interface.js';
export type {
  MQConsumerOptions,
  MQConsumerDefaults,
  MQConsumerOverrides,
  MQDeserializer,
  MQExhaustedHook,
  MQRetryBackoff,
} from './interfaces/mq-consumer-options.interface.js';
export type { MQTransactionCheckerOptions } from './interfaces/mq-transaction-checker-options.interface.js';
export type {
  MQPublishOptions,
  MQTransactionalPublishOptions,
  MQLocalTransaction,
  MQMessageBody,
} from './interfaces/mq-publish-options.interface.js';
export type { MQRetryOptions } from './interfaces/mq-retry-options.interface.js';
export type { MQEvent, MQEventType, MQMessageEventBase } from './interfaces/mq-events.interface.js';
