import type { MQFailurePolicy } from '../interfaces/mq-module-options.interface.js';

/**
 * Why a delivery that did not throw out of the pipeline was still not a success; reported in
 * `message.failed` events and logs (the original error, when known, is the `cause`).
 * - `filtered`: an exception filter (or an interceptor's catchError) handled the handler's error
 *   and returned normally.
 * - `guard`: a guard denied the message, or an interceptor answered without calling the handler.
 * - `invalid`: deserialization or a pipe rejected the payload.
 */
export class MQDeliveryRejectedError extends Error {
  constructor(
    readonly reason: 'filtered' | 'guard' | 'invalid',
    readonly policy: MQFailurePolicy,
    cause?: unknown,
  ) {
    super(`${TEXT[reason]} (${OPTION[reason]}: '${policy}')${causeText(cause)}`, { cause });
    this.name = 'MQDeliveryRejectedError';
  }
}

const TEXT = {
  filtered:
    'the handler failed and a filter (or interceptor) handled the error without rethrowing it',
  guard: 'the handler did not run: a guard denied the message or an interceptor answered for it',
  invalid: 'the payload was rejected by deserialization or a pipe',
} as const;

const OPTION = {
  filtered: 'onFilteredError',
  guard: 'onGuardRejection',
  invalid: 'onInvalidMessage',
} as const;

function causeText(cause: unknown): string {
  if (cause === undefined) return '';
  return `: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`;
}
