import type { LoggerService } from '@nestjs/common';
import type { MQHttpClient } from '../transport/index.js';
import {
  checkKnownKeys,
  MQInvalidArgumentError,
  type MQPublishInput,
  type MQPublishResult,
  type MQTransport,
} from '../transport/index.js';
import { MODULE_DEFAULTS } from './mq.constants.js';
import type {
  MQLocalTransaction,
  MQMessageBody,
  MQPublishOptions,
  MQTransactionalPublishOptions,
} from './interfaces/mq-publish-options.interface.js';
import type { PublishSender } from './telemetry/telemetry.contract.js';

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
  constructor(
    /** The connection's transport (the protocol underneath: `transport.kind`). */
    readonly transport: MQTransport,
    /** The connection this producer publishes on. */
    readonly connection: string,
    private readonly logger: LoggerService,
    private readonly observers: MQProducerObservers,
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
   */
  publish(
    topic: string,
    body: MQMessageBody,
    options: MQPublishOptions = {},
  ): Promise<MQPublishResult> {
    let input: MQPublishInput;
    let signal: AbortSignal | undefined;
    try {
      checkKnownKeys(options, PUBLISH_OPTION_KEYS, 'options.', 'a publish option');
      signal = options.signal;
      input = toInput(body, options);
    } catch (error) {
      return Promise.reject(error); // a bad argument rejects, like the client's own checks
    }
    return this.send(topic, input, signal);
  }

  /**
   * Runs a local transaction around a half message: publishes it (invisible to consumers), runs
   * `localWork`, then commits when it resolves or rolls back when it throws (and rethrows).
   *
   * If the commit or rollback call itself fails (network, expired handle), the error is logged
   * and not thrown: the outcome of `localWork` stands, and the broker asks the topic's
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
    const { group, transCheckImmunitySeconds, signal, ...rest } = options ?? ({} as never);
    if (typeof group !== 'string' || group.length === 0) {
      throw new MQInvalidArgumentError('options.group', 'the transaction group is required');
    }
    if (typeof localWork !== 'function') {
      throw new MQInvalidArgumentError('localWork', 'must be a function');
    }
    const input = toInput(body, rest);
    input.transCheckImmunitySeconds =
      transCheckImmunitySeconds ?? MODULE_DEFAULTS.transCheckImmunitySeconds;
    const half = await this.send(topic, input, signal);
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
      await this.settle('rollback', topic, group, handle, half.messageId);
      throw error;
    }
    await this.settle('commit', topic, group, handle, half.messageId);
    return result;
  }

  /** The transport call, traced and measured when telemetry records, its outcome noted for health. */
  private send(
    topic: string,
    input: MQPublishInput,
    signal: AbortSignal | undefined,
  ): Promise<MQPublishResult> {
    const options = signal ? { signal } : undefined;
    const telemetry = this.observers.telemetry.publisher;
    const sent =
      telemetry === undefined
        ? this.transport.publish(topic, input, options)
        : telemetry.send(topic, input, (traced) => this.transport.publish(topic, traced, options));
    const health = this.observers.health;
    return sent.then(health.succeeded, health.failed);
  }

  /** Commit or rollback without a signal: the local outcome is decided and must be reported. */
  private async settle(
    action: 'commit' | 'rollback',
    topic: string,
    group: string,
    handle: string,
    messageId: string,
  ): Promise<void> {
    try {
      const res = await this.transport[action](topic, group, handle);
      if (res.failed.length > 0) {
        const f = res.failed[0]!;
        this.logger.warn(
          `${action} of half message ${messageId} on "${topic}" was refused (${f.code}: ${f.message}); ` +
            `the transaction checker of group "${group}" will decide it`,
        );
      }
    } catch (error) {
      this.logger.error(
        `${action} of half message ${messageId} on "${topic}" failed ` +
          `(${error instanceof Error ? error.message : String(error)}); ` +
          `the transaction checker of group "${group}" will decide it`,
      );
    }
  }
}

function toInput(body: MQMessageBody, options: Omit<MQPublishOptions, 'signal'>): MQPublishInput {
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
