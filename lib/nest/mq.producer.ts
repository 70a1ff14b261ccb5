import type { LoggerService } from '@nestjs/common';
import type { MQHttpClient } from '../transport/index.js';
import {
  checkKnownKeys,
  MQInvalidArgumentError,
  type MQAckResult,
  type MQPublishInput,
  type MQPublishResult,
  type MQTransport,
  type MQTransportCallOptions,
} from '../transport/index.js';
import { MODULE_DEFAULTS } from './mq.constants.js';
import type {
  MQLocalTransaction,
  MQMessageBody,
  MQPublishOptions,
  MQTransactionalPublishOptions,
} from './interfaces/mq-publish-options.interface.js';
import type { MQRetryOptions } from './interfaces/mq-retry-options.interface.js';
import type { PublishSender } from './telemetry/telemetry.contract.js';
import { callWithRetry, type RetryObserver } from './retry/retry.executor.js';
import {
  mayHaveActed,
  resolveRetryPolicy,
  type ResolvedRetryPolicy,
} from './retry/retry.policy.js';

/** Retries are logged at most this often (each one still happens). */
const RETRY_LOG_INTERVAL_MS = 10_000;

/** Refusals of a commit/rollback retry that mean "this handle was already used". */
const HANDLE_GONE = new Set(['MessageNotExist', 'ReceiptHandleError']);

/** What the connection observes of every publish (internal). */
export interface MQProducerObservers {
  /** Tracing and metrics: `publisher` is undefined while nothing records. */
  readonly telemetry: { readonly publisher: PublishSender | undefined };
  /** Publish outcomes for the health indicator. */
  readonly health: {
    succeeded(result: MQPublishResult): MQPublishResult;
    failed(error: unknown): never;
  };
}

const PUBLISH_OPTION_KEYS: ReadonlySet<string> = new Set([
  'tag',
  'key',
  'properties',
  'deliverAt',
  'delayMs',
  'shardingKey',
  'signal',
  'retry',
]);
const TRANSACTIONAL_OPTION_KEYS: ReadonlySet<string> = new Set([
  ...PUBLISH_OPTION_KEYS,
  'group',
  'transCheckImmunitySeconds',
]);

/**
 * Publishes messages on one connection. Inject it by class for the default connection, or with
 * `@InjectMQProducer(name)` for a named one.
 */
export class MQProducer {
  private lastRetryLogAt = -Infinity;
  private suppressedRetryLogs = 0;
  private readonly observer: RetryObserver = {
    onRetry: (error, retry, delayMs) => this.logRetry(error, retry, delayMs),
  };

  constructor(
    /** The connection's transport (the protocol underneath: `transport.kind`). */
    readonly transport: MQTransport,
    /** The connection this producer publishes on. */
    readonly connection: string,
    private readonly logger: LoggerService,
    private readonly observers: MQProducerObservers,
    /** The module's `publishRetry` policy; undefined = no retries unless a call asks for them. */
    private readonly retry: ResolvedRetryPolicy | undefined = undefined,
  ) {}

  /**
   * The `MQClient` underneath an HTTP connection, for operations this class does not wrap.
   * Throws on a connection of another transport (use `transport` there).
   */
  get client(): MQHttpClient {
    if (this.transport.kind !== 'http') {
      throw new Error(
        `MQProducer.client is the MQ HTTP client; connection "${this.connection}" uses transport '${this.transport.kind}' (use MQProducer.transport)`,
      );
    }
    return this.transport.native as MQHttpClient;
  }

  /**
   * Publishes one message. Strings and bytes are sent as they are; any other value is sent as
   * JSON (consumers parse it back with the default `deserialize: 'json'`).
   *
   * Retryable failures (network, timeout, 5xx, throttling) are retried under the module's
   * `publishRetry` policy or the call's `retry`. A retry after a lost answer can publish the
   * message twice (two message ids): consumers deduplicate by `key`.
   */
  publish(
    topic: string,
    body: MQMessageBody,
    options: MQPublishOptions = {},
  ): Promise<MQPublishResult> {
    let input: MQPublishInput;
    let signal: AbortSignal | undefined;
    let policy: ResolvedRetryPolicy | undefined;
    try {
      checkKnownKeys(options, PUBLISH_OPTION_KEYS, 'options.', 'a publish option');
      signal = options.signal;
      input = toInput(body, options);
      const retry = options.retry;
      policy = retry === undefined ? this.retry : callPolicy(retry, this.retry);
    } catch (error) {
      return Promise.reject(error); // a bad argument rejects, like the client's own checks
    }
    return this.send(topic, input, signal, policy);
  }

  /**
   * Runs a local transaction around a half message: publishes it (invisible to consumers), runs
   * `localWork`, then commits when it resolves or rolls back when it throws (and rethrows).
   *
   * The half publish, the commit and the rollback are retried like `publish` (same policy). If
   * the commit or rollback still fails (network, expired handle), the error is logged and not
   * thrown: the outcome of `localWork` stands, and the broker asks the topic's
   * `@MQTransactionChecker()` after `transCheckImmunitySeconds`, whose answer settles the message.
   * So a checker that reads the local state is required for exactly-once-visible publishing.
   */
  async publishTransactional<T>(
    topic: string,
    body: MQMessageBody,
    options: MQTransactionalPublishOptions,
    localWork: MQLocalTransaction<T>,
  ): Promise<T> {
    checkKnownKeys(options ?? {}, TRANSACTIONAL_OPTION_KEYS, 'options.', 'a publish option');
    const { group, transCheckImmunitySeconds, signal, retry, ...rest } = options ?? ({} as never);
    if (typeof group !== 'string' || group.length === 0) {
      throw new MQInvalidArgumentError('options.group', 'the transaction group is required');
    }
    if (typeof localWork !== 'function') {
      throw new MQInvalidArgumentError('localWork', 'must be a function');
    }
    const input = toInput(body, rest);
    const policy = retry === undefined ? this.retry : callPolicy(retry, this.retry);
    input.transCheckImmunitySeconds =
      transCheckImmunitySeconds ?? MODULE_DEFAULTS.transCheckImmunitySeconds;
    const half = await this.send(topic, input, signal, policy);
    const handle = half.receiptHandle;
    if (!handle) {
      throw new Error(
        `MQProducer: the half message ${half.messageId} came back without a receipt handle`,
      );
    }
    let result: T;
    try {
      result = await localWork(half);
    } catch (error) {
      await this.settle('rollback', topic, group, handle, half.messageId, policy);
      throw error;
    }
    await this.settle('commit', topic, group, handle, half.messageId, policy);
    return result;
  }

  /** The publish under the retry policy; its final outcome noted for health. */
  private send(
    topic: string,
    input: MQPublishInput,
    signal: AbortSignal | undefined,
    policy: ResolvedRetryPolicy | undefined,
  ): Promise<MQPublishResult> {
    const sent =
      policy === undefined
        ? this.attempt(topic, input, signal ? { signal } : undefined)
        : callWithRetry(
            (timeoutMs) => this.attempt(topic, input, callOptions(signal, timeoutMs)),
            policy,
            signal,
            this.observer,
          );
    const health = this.observers.health;
    return sent.then(health.succeeded, health.failed);
  }

  /** One transport call, traced and measured when telemetry records (each attempt its own span). */
  private attempt(
    topic: string,
    input: MQPublishInput,
    options: MQTransportCallOptions | undefined,
  ): Promise<MQPublishResult> {
    const telemetry = this.observers.telemetry.publisher;
    return telemetry === undefined
      ? this.transport.publish(topic, input, options)
      : telemetry.send(topic, input, (traced) => this.transport.publish(topic, traced, options));
  }

  /**
   * Commit or rollback without a signal: the local outcome is decided and must be reported.
   * Every log line says what is known: done, most likely done, or left to the checker.
   */
  private async settle(
    action: 'commit' | 'rollback',
    topic: string,
    group: string,
    handle: string,
    messageId: string,
    policy: ResolvedRetryPolicy | undefined,
  ): Promise<void> {
    // Set once an attempt failed in a way that may have settled the message anyway.
    let uncertain = false;
    const call = (timeoutMs?: number): Promise<MQAckResult> =>
      this.transport[action](topic, group, handle, timeoutMs ? { timeoutMs } : undefined);
    try {
      const res =
        policy === undefined
          ? await call()
          : await callWithRetry(call, policy, undefined, {
              onRetry: (error, retry, delayMs) => {
                if (mayHaveActed(error)) uncertain = true;
                this.logRetry(error, retry, delayMs);
              },
            });
      const f = res.failed[0];
      if (f === undefined) return;
      if (uncertain && HANDLE_GONE.has(f.code)) {
        // The earlier attempt's answer was lost; the handle being used up since then is what
        // that attempt having worked looks like.
        this.logger.log(
          `${action} of half message ${messageId} on "${topic}": an earlier attempt's answer was lost and the retry found the handle already used (${f.code}), so that attempt most likely went through; if it did not, the transaction checker of group "${group}" decides it`,
        );
        return;
      }
      this.logger.warn(
        `${action} of half message ${messageId} on "${topic}" was refused (${f.code}: ${f.message}); ` +
          `the transaction checker of group "${group}" will decide it`,
      );
    } catch (error) {
      this.logger.error(
        `${action} of half message ${messageId} on "${topic}" failed ` +
          `(${error instanceof Error ? error.message : String(error)}); ` +
          `the transaction checker of group "${group}" will decide it`,
      );
    }
  }

  private logRetry(error: unknown, retry: number, delayMs: number): void {
    const now = Date.now();
    if (now - this.lastRetryLogAt < RETRY_LOG_INTERVAL_MS) {
      this.suppressedRetryLogs++;
      return;
    }
    const suppressed = this.suppressedRetryLogs;
    this.lastRetryLogAt = now;
    this.suppressedRetryLogs = 0;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.logger.warn(
      `${text}; retry ${retry} in ${delayMs} ms` +
        (mayHaveActed(error)
          ? ' (the failed attempt may have acted: a duplicate is possible)'
          : '') +
        (suppressed > 0 ? ` (${suppressed} other retries not logged)` : ''),
    );
  }
}

function callOptions(signal: AbortSignal | undefined, timeoutMs: number): MQTransportCallOptions {
  return signal === undefined ? { timeoutMs } : { signal, timeoutMs };
}

/** A call's own `retry`: `false`, or fields over the module's policy (or the defaults). */
function callPolicy(
  retry: MQRetryOptions | false,
  base: ResolvedRetryPolicy | undefined,
): ResolvedRetryPolicy | undefined {
  return resolveRetryPolicy(retry, base, 'options.retry', (option, problem) => {
    throw new MQInvalidArgumentError(option, problem);
  });
}

function toInput(
  body: MQMessageBody,
  options: Omit<MQPublishOptions, 'signal' | 'retry'>,
): MQPublishInput {
  let text: string | Uint8Array;
  if (typeof body === 'string' || body instanceof Uint8Array) text = body;
  else if (body === undefined || body === null) {
    throw new MQInvalidArgumentError('body', 'must not be null or undefined');
  } else text = JSON.stringify(body);
  const input: MQPublishInput = { body: text };
  if (options.tag !== undefined) input.tag = options.tag;
  if (options.key !== undefined) input.key = options.key;
  if (options.properties !== undefined) input.properties = options.properties;
  if (options.deliverAt !== undefined) input.deliverAt = options.deliverAt;
  if (options.delayMs !== undefined) input.delayMs = options.delayMs;
  if (options.shardingKey !== undefined) input.shardingKey = options.shardingKey;
  return input;
}
