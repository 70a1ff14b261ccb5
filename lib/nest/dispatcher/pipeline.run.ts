/**
 * The part of a dispatch both kinds of handler share: run a prepared call through the Nest
 * pipeline and map how it ended to ack / retry with the outcome table. Never rejects.
 */
import { isObservable, lastValueFrom } from 'rxjs';
import { MQDeliveryRejectedError } from '../exceptions/mq-delivery-rejected.error.js';
import { MQInvalidMessageError } from '../exceptions/mq-invalid-message.error.js';
import { DispatchState } from './dispatch.tracker.js';
import type { PreparedCall } from './handler.pipeline.js';
import {
  ACK,
  classifyRejection,
  classifySwallowed,
  type DispatchResult,
  type OutcomePolicies,
} from './outcome.classifier.js';

/**
 * Runs `call` with `(payload, message, ctx)` (batch handlers: payloads, messages, batch context)
 * and classifies the result or the rejection.
 */
export async function runAndClassify(
  call: PreparedCall,
  payload: unknown,
  message: Parameters<PreparedCall['run']>[2],
  ctx: Parameters<PreparedCall['run']>[3],
  policies: OutcomePolicies,
): Promise<DispatchResult> {
  const state = new DispatchState();
  try {
    const result = await call.run(state, payload, message, ctx);
    // The success path of the proxy unwraps observables, so an observable here is a filter's
    // answer: subscribe to it (an error notification is a failure, nest#17633).
    if (isObservable(result)) {
      await lastValueFrom(result, { defaultValue: undefined });
      return classifySwallowed(state, policies);
    }
    return state.completed ? ACK : classifySwallowed(state, policies);
  } catch (error) {
    return classifyRejection(state, error, policies);
  }
}

/** A body the consumer's `deserialize` refused: `onInvalidMessage`, the handler does not run. */
export function invalidBody(
  messageId: string,
  error: unknown,
  policies: OutcomePolicies,
): DispatchResult {
  const policy = policies.onInvalidMessage;
  const invalid = new MQInvalidMessageError(messageId, error);
  return { outcome: policy, error: new MQDeliveryRejectedError('invalid', policy, invalid) };
}

/** The request-scoped instance tree could not be built: a failure, not a rejection. */
export function unprepared(error: unknown): DispatchResult {
  return { outcome: 'retry', error };
}
