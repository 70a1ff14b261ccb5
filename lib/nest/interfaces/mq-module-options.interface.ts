import type { LoggerService, ModuleMetadata, Provider, Type } from '@nestjs/common';
import type {
  MQClientOptions,
  MQCredentials,
  MQCredentialsProvider,
  MQTransportKind,
} from '../../transport/index.js';
import type { MQConsumerDefaults, MQConsumerOverrides } from './mq-consumer-options.interface.js';
import type { MQRetryOptions } from './mq-retry-options.interface.js';

/** What to do with a delivery: `'retry'` leaves it unacked (redelivered later), `'ack'` drops it. */
export type MQFailurePolicy = 'retry' | 'ack';

/** Options of one connection (`MQModule.forRoot`). */
export interface MQModuleOptions {
  /**
   * The protocol (default `'http'`): `'http'` is the MQ HTTP protocol of ApsaraMQ for RocketMQ 4.x
   * instances; `'grpc'` is RocketMQ 5's gRPC protocol (ApsaraMQ for RocketMQ 5.x instances and
   * Apache RocketMQ 5 proxies).
   */
  transport?: MQTransportKind;
  /**
   * HTTP: the instance's HTTP endpoint, e.g. `http://123.mqrest.cn-hangzhou.aliyuncs.com`.
   * gRPC: `host:port`, e.g. `rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080`.
   */
  endpoint: string;
  /**
   * AccessKey id (with `accessKeySecret`), unless `credentials` is given. ApsaraMQ for RocketMQ
   * 5.x: the instance's username (and password).
   */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** STS security token that goes with a temporary AccessKey. */
  securityToken?: string;
  /** Fixed credentials or a provider called before each request (rotating STS tokens). */
  credentials?: MQCredentials | MQCredentialsProvider;
  /** Instance id (HTTP `ns`; RocketMQ 5: the namespace); omit for the default instance. */
  instanceId?: string;
  /**
   * Check at start-up, with one request that changes nothing, that the endpoint answers and
   * accepts the credentials; bootstrap fails with the reason otherwise (default false). Bounded by
   * `client.requestTimeoutMs` (default 10 s).
   */
  verifyConnection?: boolean;
  /** Poll for consumers of this connection (default true); false = publish-only process. */
  consumersEnabled?: boolean;
  /** Defaults for every consumer of this connection. */
  defaults?: MQConsumerDefaults;
  /** Per consumer name (default `Class.method`) overrides, e.g. topics from configuration. */
  consumers?: Record<string, MQConsumerOverrides>;
  shutdown?: {
    /** How long shutdown waits for running handlers before abandoning them (default 20 000). */
    drainTimeoutMs?: number;
  };
  /**
   * Backoff of a failing poll loop: waits grow from `initialMs` to `maxMs` (half of each wait is
   * jitter); after each wait a short poll probes the server, and long polls resume once it answers.
   */
  pollBackoff?: { initialMs?: number; maxMs?: number };
  /**
   * Retries of `MQProducer.publish`, `publishTransactional`'s half publish, commit and rollback
   * after retryable errors (default `{ maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2000,
   * deadlineMs: 20000 }`); `false` = never retry. A call's `retry` option overrides it.
   */
  publishRetry?: MQRetryOptions | false;
  /** An exception filter returned normally: a swallowed error is not success (default 'retry'). */
  onFilteredError?: MQFailurePolicy;
  /** A guard denied the message (or an interceptor did not call the handler) (default 'retry'). */
  onGuardRejection?: MQFailurePolicy;
  /** Deserialization or a pipe (e.g. `ValidationPipe`) rejected the payload (default 'retry'). */
  onInvalidMessage?: MQFailurePolicy;
  /** Passed to the protocol's client (HTTP: pool sizes; both: timeouts, digest checks; gRPC: TLS). */
  client?: MQClientOptions;
  /** A logger for this module's lines, or false to silence them (default: Nest's `Logger`). */
  logger?: LoggerService | false;
  /**
   * OpenTelemetry traces and metrics through `@opentelemetry/api`, when the application has it
   * and registered an SDK (default true); false turns both off for this connection.
   */
  telemetry?: boolean;
}

/** Options of `MQModule.forRoot()` besides the connection's. */
export interface MQModuleExtras {
  /** Register the module globally (default true). */
  isGlobal?: boolean;
  /** Connection name, for several connections (default `'default'`). */
  name?: string;
}

export interface MQOptionsFactory {
  createMQOptions(): MQModuleOptions | Promise<MQModuleOptions>;
}

/** Options of `MQModule.forRootAsync()`. */
export interface MQModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'>, MQModuleExtras {
  useFactory?: (...args: any[]) => MQModuleOptions | Promise<MQModuleOptions>;
  inject?: any[];
  useClass?: Type<MQOptionsFactory>;
  useExisting?: Type<MQOptionsFactory>;
  /** Providers the factory needs that no imported module provides. */
  extraProviders?: Provider[];
}
