import type { BatchDispatcher } from '../consumer/batch.contract.js';
import { createMQBatchContext } from '../context/mq-batch.context.js';
import type { MQConsumerDefinition } from '../interfaces/mq-handler-definition.interface.js';
import type { HandlerPipeline, PreparedCall } from './handler.pipeline.js';
import type { DispatchResult, OutcomePolicies } from './outcome.classifier.js';
import { invalidBody, runAndClassify, unprepared } from './pipeline.run.js';

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
        return invalidBody(message.messageId, error, policies);
      }
    }
    let call: PreparedCall;
    try {
      call = await pipeline.prepareBatch(messages, ctx);
    } catch (error) {
      return unprepared(error);
    }
    return runAndClassify(call, payloads, messages, ctx, policies);
  };
}
