import type { ResolvedConsumerOptions } from '../consumer/consumer.contract.js';
import { CONSUMER_DEFAULTS, MAX_CONCURRENCY, RETRY_BACKOFF_DEFAULTS } from '../mq.constants.js';
import { invalidConsumerOption } from '../mq.messages.js';
import type {
  MQConsumerOptions,
  MQConsumerOverrides,
  MQDeserializer,
  MQExhaustedHook,
} from '../interfaces/mq-consumer-options.interface.js';
import type { ResolvedModuleOptions } from './module-options.resolver.js';
import { isInt, isNonEmptyString } from './option.checks.js';
import { checkSubscription } from './subscription.checks.js';

const DECORATOR_KEYS = new Set<string>([
  'tag',
  'batchSize',
  'waitSeconds',
  'concurrency',
  'orderly',
  'handlerTimeoutMs',
  'maxAttempts',
  'retryBackoff',
  'onExhausted',
  'name',
  'connection',
  'autoStart',
  'deserialize',
  'batch',
]);
const OVERRIDE_KEYS = new Set<string>(
  [...DECORATOR_KEYS, 'topic', 'group'].filter(
    (k) => k !== 'name' && k !== 'connection' && k !== 'onExhausted' && k !== 'batch',
  ),
);
/** Changes the handler's parameters: only the decorator may say it. */
const DECORATOR_ONLY = 'batch';
const DEFAULTS_KEYS = new Set<string>([
  'batchSize',
  'waitSeconds',
  'concurrency',
  'handlerTimeoutMs',
  'maxAttempts',
  'retryBackoff',
  'autoStart',
  'deserialize',
]);

/** What the explorer needs besides the runtime's options. */
export interface ResolvedConsumer {
  options: ResolvedConsumerOptions;
  deserialize: 'json' | 'text' | MQDeserializer;
  onExhausted?: string | MQExhaustedHook;
}

/**
 * Merges built-in defaults < module `defaults` < decorator options < module `consumers[name]`
 * overrides, then validates; every error names the consumer and the option.
 */
export function resolveConsumerOptions(
  name: string,
  topic: unknown,
  group: unknown,
  decorator: MQConsumerOptions,
  module: ResolvedModuleOptions,
): ResolvedConsumer {
  const fail = (option: string, problem: string): never => {
    throw new Error(invalidConsumerOption(name, option, problem));
  };
  checkKeys(decorator, DECORATOR_KEYS, '', fail);
  const override: MQConsumerOverrides = module.consumers[name] ?? {};
  for (const [where, object] of [
    ['defaults.', module.defaults],
    [`consumers.${name}.`, override],
  ] as const) {
    if (object !== null && typeof object === 'object' && DECORATOR_ONLY in object) {
      fail(
        `${where}${DECORATOR_ONLY}`,
        "cannot be set here: it changes the handler's parameters; set it in @MQConsumer()",
      );
    }
  }
  checkKeys(module.defaults, DEFAULTS_KEYS, 'defaults.', fail);
  checkKeys(override, OVERRIDE_KEYS, `consumers.${name}.`, fail);

  const merged = { ...module.defaults, ...decorator, ...override };
  const finalTopic = override.topic ?? topic;
  const finalGroup = override.group ?? group;
  if (!isNonEmptyString(finalTopic)) fail('topic', 'must be a non-empty string');
  if (!isNonEmptyString(finalGroup)) fail('group', 'must be a non-empty string');

  const orderly = merged.orderly ?? CONSUMER_DEFAULTS.orderly;
  if (typeof orderly !== 'boolean') fail('orderly', 'must be a boolean');
  const batch = decorator.batch ?? false;
  if (typeof batch !== 'boolean') fail('batch', 'must be a boolean');
  const batchSize = merged.batchSize ?? CONSUMER_DEFAULTS.batchSize;
  const maxBatch = module.driver.maxBatchSize;
  if (!isInt(batchSize, 1, maxBatch))
    fail('batchSize', `must be an integer between 1 and ${maxBatch}`);
  const waitSeconds = merged.waitSeconds ?? CONSUMER_DEFAULTS.waitSeconds;
  if (!isInt(waitSeconds, 0, 30)) fail('waitSeconds', 'must be an integer between 0 and 30');
  const concurrency = merged.concurrency ?? CONSUMER_DEFAULTS.concurrency;
  if (!isInt(concurrency, 1, MAX_CONCURRENCY)) {
    fail('concurrency', `must be an integer between 1 and ${MAX_CONCURRENCY}`);
  }
  const handlerTimeoutMs =
    merged.handlerTimeoutMs ??
    (orderly ? CONSUMER_DEFAULTS.orderlyHandlerTimeoutMs : CONSUMER_DEFAULTS.handlerTimeoutMs);
  if (!isInt(handlerTimeoutMs, 1, 86_400_000)) {
    fail('handlerTimeoutMs', 'must be an integer number of ms between 1 and 86400000');
  }
  const maxAttempts = merged.maxAttempts;
  if (maxAttempts !== undefined && !isInt(maxAttempts, 1, 10_000)) {
    fail('maxAttempts', 'must be an integer between 1 and 10000');
  }
  const retryBackoff = resolveRetryBackoff(merged.retryBackoff, fail);
  const autoStart = merged.autoStart ?? CONSUMER_DEFAULTS.autoStart;
  if (typeof autoStart !== 'boolean') fail('autoStart', 'must be a boolean');
  const deserialize = merged.deserialize ?? 'json';
  if (deserialize !== 'json' && deserialize !== 'text' && typeof deserialize !== 'function') {
    fail('deserialize', `must be 'json', 'text' or a function`);
  }
  const onExhausted = decorator.onExhausted;
  if (
    onExhausted !== undefined &&
    !isNonEmptyString(onExhausted) &&
    typeof onExhausted !== 'function'
  ) {
    fail('onExhausted', 'must be a method name or a function');
  }
  if (onExhausted !== undefined && maxAttempts === undefined) {
    fail('onExhausted', 'needs maxAttempts (it runs once a delivery exceeds it)');
  }
  const tags = resolveTags(merged.tag, fail);
  const instanceId = module.instanceId;
  checkSubscription(fail, module.driver, {
    topic: finalTopic as string,
    group: finalGroup as string,
    mode: orderly ? 'orderly' : 'normal',
    ...(tags !== undefined && { tags }),
    ...(instanceId !== undefined && { instanceId }),
  });
  return {
    options: {
      name,
      connection: module.connection,
      topic: finalTopic as string,
      group: finalGroup as string,
      tags,
      batchSize,
      waitSeconds,
      concurrency,
      orderly,
      ...(batch && { batch }),
      handlerTimeoutMs,
      ...(maxAttempts !== undefined && { maxAttempts }),
      retryBackoff,
      autoStart,
    },
    deserialize,
    ...(onExhausted !== undefined && { onExhausted }),
  };
}

/** The longest invisibility RocketMQ 5 accepts (12 h) bounds the wait. */
const MAX_RETRY_WAIT_MS = 43_200_000;

function resolveRetryBackoff(
  value: unknown,
  fail: (option: string, problem: string) => never,
): { initialMs: number; maxMs: number } {
  if (value === undefined) return { ...RETRY_BACKOFF_DEFAULTS };
  if (value === null || typeof value !== 'object') {
    return fail('retryBackoff', 'must be an object { initialMs?, maxMs? }');
  }
  for (const key of Object.keys(value)) {
    if (key !== 'initialMs' && key !== 'maxMs')
      fail(`retryBackoff.${key}`, 'is not a known option');
  }
  const { initialMs, maxMs } = value as { initialMs?: unknown; maxMs?: unknown };
  const initial = initialMs ?? RETRY_BACKOFF_DEFAULTS.initialMs;
  const max = maxMs ?? Math.max(RETRY_BACKOFF_DEFAULTS.maxMs, initial as number);
  if (!isInt(initial, 0, MAX_RETRY_WAIT_MS)) {
    fail(
      'retryBackoff.initialMs',
      `must be an integer number of ms between 0 and ${MAX_RETRY_WAIT_MS}`,
    );
  }
  if (!isInt(max, 0, MAX_RETRY_WAIT_MS)) {
    fail(
      'retryBackoff.maxMs',
      `must be an integer number of ms between 0 and ${MAX_RETRY_WAIT_MS}`,
    );
  }
  if ((max as number) < (initial as number))
    fail('retryBackoff.maxMs', 'must not be below initialMs');
  return { initialMs: initial as number, maxMs: max as number };
}

function resolveTags(
  tag: unknown,
  fail: (option: string, problem: string) => never,
): string[] | undefined {
  if (tag === undefined) return undefined;
  const list = typeof tag === 'string' ? [tag] : tag;
  if (!Array.isArray(list) || list.length === 0) {
    return fail('tag', 'must be a tag or a non-empty list of tags');
  }
  for (const t of list) {
    if (!isNonEmptyString(t) || t.includes('|') || t === '*') {
      fail(
        'tag',
        `must hold non-empty tags without "|" (got ${JSON.stringify(t)}); omit it for all`,
      );
    }
  }
  // Sorted and unique, so that duplicate detection compares sets, not spellings.
  return [...new Set(list as string[])].sort();
}

function checkKeys(
  object: object,
  known: Set<string>,
  prefix: string,
  fail: (option: string, problem: string) => never,
): void {
  if (object === null || typeof object !== 'object')
    fail(prefix.slice(0, -1) || 'options', 'must be an object');
  for (const key of Object.keys(object)) {
    if (!known.has(key)) fail(`${prefix}${key}`, 'is not a known option here');
  }
}
