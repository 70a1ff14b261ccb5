import { TRANSACTION_CHECKER_DEFAULTS, MAX_CONCURRENCY } from '../mq.constants.js';
import { invalidConsumerOption } from '../mq.messages.js';
import type { MQCheckerDefinition } from '../interfaces/mq-handler-definition.interface.js';
import type { MQTransactionCheckerOptions } from '../interfaces/mq-transaction-checker-options.interface.js';
import { isInt, isNonEmptyString } from './option.checks.js';
import type { ResolvedModuleOptions } from './module-options.resolver.js';
import { checkSubscription } from './subscription.checks.js';

/** Validates `@MQTransactionChecker()` options; errors name the checker and the option. */
export function resolveCheckerOptions(
  name: string,
  module: ResolvedModuleOptions,
  topic: unknown,
  group: unknown,
  options: MQTransactionCheckerOptions,
): MQCheckerDefinition['options'] & {
  deserialize: NonNullable<MQTransactionCheckerOptions['deserialize']>;
} {
  const fail = (option: string, problem: string): never => {
    throw new Error(invalidConsumerOption(name, option, problem));
  };
  if (!isNonEmptyString(topic)) fail('topic', 'must be a non-empty string');
  if (!isNonEmptyString(group)) fail('group', 'must be a non-empty string');
  const { driver, instanceId } = module;
  checkSubscription(fail, driver, {
    topic: topic as string,
    group: group as string,
    mode: 'checks',
    ...(instanceId !== undefined && { instanceId }),
  });
  const merged = { ...TRANSACTION_CHECKER_DEFAULTS, ...options };
  if (!isInt(merged.batchSize, 1, driver.maxBatchSize)) {
    fail('batchSize', `must be an integer between 1 and ${driver.maxBatchSize}`);
  }
  if (!isInt(merged.waitSeconds, 0, 30)) fail('waitSeconds', 'must be an integer between 0 and 30');
  if (!isInt(merged.concurrency, 1, MAX_CONCURRENCY)) {
    fail('concurrency', `must be an integer between 1 and ${MAX_CONCURRENCY}`);
  }
  if (typeof merged.autoStart !== 'boolean') fail('autoStart', 'must be a boolean');
  const deserialize = options.deserialize ?? 'json';
  if (deserialize !== 'json' && deserialize !== 'text' && typeof deserialize !== 'function') {
    fail('deserialize', `must be 'json', 'text' or a function`);
  }
  return {
    name,
    connection: module.connection,
    topic: topic as string,
    group: group as string,
    batchSize: merged.batchSize,
    waitSeconds: merged.waitSeconds,
    concurrency: merged.concurrency,
    autoStart: merged.autoStart,
    deserialize,
  };
}
