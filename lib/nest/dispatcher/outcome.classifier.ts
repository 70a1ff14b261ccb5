import { BadRequestException } from '@nestjs/common';
import type { DispatchOutcome } from '../consumer/consumer.contract.js';
import { MQDeliveryRejectedError } from '../exceptions/mq-delivery-rejected.error.js';
import type { MQFailurePolicy } from '../interfaces/mq-module-options.interface.js';
import type { DispatchState } from './dispatch.tracker.js';

export interface OutcomePolicies {
  onFilteredError: MQFailurePolicy;
  onGuardRejection: MQFailurePolicy;
  onInvalidMessage: MQFailurePolicy;
}

export interface DispatchResult {
  outcome: DispatchOutcome;
  error?: unknown;
}

export const ACK: DispatchResult = Object.freeze({ outcome: 'ack' as const });

function byPolicy(
  reason: 'filtered' | 'guard' | 'invalid',
  policy: MQFailurePolicy,
  cause: unknown,
): DispatchResult {
  return { outcome: policy, error: new MQDeliveryRejectedError(reason, policy, cause) };
}

/**
 * Where the pipeline stopped, when the handler did not start. Parameters are resolved right after
 * the guards and the interceptors' way in, right before the pipes: an error after that point is the
 * payload's (a `BadRequestException` is too, for handlers whose parameters are all custom
 * decorators). Anything earlier (a guard's `ForbiddenException` or its own exception, an
 * interceptor that threw before calling the handler) is a rejection of the message.
 */
function earlyReason(state: DispatchState, error: unknown): 'guard' | 'invalid' {
  return state.paramsResolved || error instanceof BadRequestException ? 'invalid' : 'guard';
}

/**
 * The pipeline rejected (nothing handled the error, a filter rethrew, or the observable a filter
 * returned errored). A handler failure is never acked; an early rejection follows its policy.
 */
export function classifyRejection(
  state: DispatchState,
  error: unknown,
  policies: OutcomePolicies,
): DispatchResult {
  if (state.handlerStarted) return { outcome: 'retry', error };
  return earlyReason(state, error) === 'invalid'
    ? byPolicy('invalid', policies.onInvalidMessage, error)
    : byPolicy('guard', policies.onGuardRejection, error);
}

/**
 * The pipeline resolved but the handler did not complete: a filter returned from the error (of
 * the handler, a pipe or a guard; whatever it returned, `void` included), or an interceptor
 * answered without calling the handler. The error the filter caught is the report's cause.
 */
export function classifySwallowed(state: DispatchState, policies: OutcomePolicies): DispatchResult {
  const cause = state.filtered;
  if (state.handlerStarted) return byPolicy('filtered', policies.onFilteredError, cause);
  return state.paramsResolved
    ? byPolicy('invalid', policies.onInvalidMessage, cause)
    : byPolicy('guard', policies.onGuardRejection, cause);
}
