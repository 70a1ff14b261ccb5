import { isObservable, lastValueFrom } from 'rxjs';
import type { BatchDispatcher } from '../consumer/batch.contract.js';
import { createMQBatchContext } from '../context/mq-batch.context.js';
import { MQDeliveryRejectedError } from '../exceptions/mq-delivery-rejected.error.js';
import { MQInvalidMessageError } from '../exceptions/mq-invalid-message.error.js';
import type { MQConsumerDefinition } from '../interfaces/mq-handler-definition.interface.js';
import { DispatchState } from './dispatch.tracker.js';
import type { HandlerPipeline, PreparedCall } from './handler.pipeline.js';
import {
  ACK,
  classifyRejection,
  classifySwallowed,
  type DispatchResult,
  type OutcomePolicies,
} from './outcome.classifier.js';

/**
 * The runtime's `BatchDispatcher` for one batch consumer: deserialize every message, run the Nest
 * pipeline once with `(payloads, messages, batchCtx)`, map the result with the outcome table.
 * Policies apply to the batch as a whole: one body that cannot be deserialized makes the batch
 * invalid (`onInvalidMessage`), as a pipe rejecting the array does. Never rejects.
 */
export function createBatchDispatcher(
  definition: MQConsumerDefinition,
  pipeline: HandlerPipeline,
  policies: OutcomePolicies,
): BatchDispatcher {
  const { name, topic, group } = definition.options;
  const decode = definition.decode;
  return async (messages, batch): Promise<DispatchResult> => {
    const ctx = createMQBatchContext(name, topic, group, messages, batch);
    const payloads: unknown[] = new Array(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      try {
        payloads[i] = decode(message);
      } catch (error) {
        const invalid = new MQInvalidMessageError(message.messageId, error);
        const policy = policies.onInvalidMessage;
        return { outcome: policy, error: new MQDeliveryRejectedError('invalid', policy, invalid) };
      }
    }
    let call: PreparedCall;
    try {
      call = await pipeline.prepareBatch(messages, ctx);
    } catch (error) {
      // The request-scoped instance tree could not be built: a failure, not a rejection.
      return { outcome: 'retry', error };
    }
    const state = new DispatchState();
    try {
      const result = await call.run(state, payloads, messages, ctx);
      // An observable here is a filter's answer: subscribe to it (see message.dispatcher.ts).
      if (isObservable(result)) {
        await lastValueFrom(result, { defaultValue: undefined });
        return classifySwallowed(state, policies);
      }
      return state.completed ? ACK : classifySwallowed(state, policies);
    } catch (error) {
      return classifyRejection(state, error, policies);
    }
  };
}
