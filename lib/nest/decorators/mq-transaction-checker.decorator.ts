import { MQ_TRANSACTION_CHECKER_METADATA } from '../mq.constants.js';
import type { MQTransactionCheckerOptions } from '../interfaces/mq-transaction-checker-options.interface.js';

/** Answer of a transaction checker. */
export const MQTransactionStatus = {
  Commit: 'commit',
  Rollback: 'rollback',
  Unknown: 'unknown',
} as const;
export type MQTransactionStatus = (typeof MQTransactionStatus)[keyof typeof MQTransactionStatus];

export interface MQTransactionCheckerMetadata {
  topic: string;
  group: string;
  options: MQTransactionCheckerOptions;
}

/**
 * Answers the broker's checks of half messages whose local transaction was never resolved (the
 * process died between publish and commit, or the commit failed). Return `'commit'`, `'rollback'`
 * or `'unknown'` (ask again later); a throw counts as `'unknown'`. Runs through guards,
 * interceptors, pipes and filters, with `(payload, message, ctx)` like a consumer.
 *
 * @example
 * ```ts
 * @MQTransactionChecker('payments', 'GID_payments_tx')
 * async check(@MQPayload() p: Payment) { return (await this.repo.exists(p.id)) ? 'commit' : 'rollback'; }
 * ```
 */
export function MQTransactionChecker(
  topic: string,
  group: string,
  options: MQTransactionCheckerOptions = {},
): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const list: MQTransactionCheckerMetadata[] =
      Reflect.getOwnMetadata(MQ_TRANSACTION_CHECKER_METADATA, method) ?? [];
    Reflect.defineMetadata(
      MQ_TRANSACTION_CHECKER_METADATA,
      [...list, { topic, group, options }],
      method,
    );
    return descriptor;
  };
}
