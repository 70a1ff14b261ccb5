/** Consumer runtime of the Nest module: poll loops, slots, acks, orderly scheduling, drain. */
export type {
  DeliverySignal,
  DispatchOutcome,
  ExhaustedHandler,
  MessageDispatcher,
  ResolvedConsumerOptions,
} from './consumer.contract.js';
export type { BatchDeliveryHandle, BatchDispatcher } from './batch.contract.js';
export { MQBatchDrainTimeoutError, MQBatchTimeoutError } from './batch.errors.js';
export { ConsumerRunner } from './consumer-runner.js';
export {
  TransactionCheckRunner,
  type TransactionCheckDecision,
  type TransactionCheckDeps,
  type TransactionCheckOptions,
  type TransactionChecker,
} from './transaction-check-runner.js';
export type {
  PollLoopDeps,
  RunnerTransport,
  RunnerDeps,
  RunnerEventSink,
  RunnerStatus,
} from './runner-status.js';
export { MQDrainTimeoutError, MQHandlerTimeoutError } from './runtime.errors.js';
