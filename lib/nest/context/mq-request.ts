import type { MQReceivedMessage } from '../../transport/index.js';
import type { MQBatchContext } from './mq-batch.context.js';
import type { MQContext } from './mq.context.js';

/**
 * What `@Inject(REQUEST)` resolves to in request-scoped providers of an MQ handler: a fresh
 * dependency tree is built per message, with this as its request object.
 */
export interface MQRequest {
  readonly message: MQReceivedMessage;
  readonly context: MQContext;
}

/**
 * What `@Inject(REQUEST)` resolves to in request-scoped providers of a batch handler
 * (`batch: true`): one dependency tree per batch, with this as its request object.
 */
export interface MQBatchRequest {
  readonly messages: readonly MQReceivedMessage[];
  readonly context: MQBatchContext;
}
