/** Metadata keys, tokens and defaults of the Nest integration (no logic). */

/** `ExecutionContext.getType()` of every MQ handler; see `isMQContext()`. */
export const MQ_CONTEXT_TYPE = 'aliyun-mq';

/** Name of the connection registered by `MQModule.forRoot()` without a `name`. */
export const DEFAULT_CONNECTION = 'default';

/** Method metadata of `@MQConsumer()` (an array: a method may subscribe more than once). */
export const MQ_CONSUMER_METADATA = 'aliyun-mq:consumer';
/** Method metadata of `@MQTransactionChecker()` (an array). */
export const MQ_TRANSACTION_CHECKER_METADATA = 'aliyun-mq:transaction-checker';
/**
 * Parameter metadata key of `@MQPayload()`, `@MQMessage()`, `@MQCtx()`: the key of Nest's route
 * arguments (`@nestjs/microservices` calls it PARAM_ARGS_METADATA), so that decorators made with
 * `createParamDecorator()` also work on MQ handlers, as they do in other external contexts.
 */
export const MQ_PARAM_ARGS_METADATA = '__routeArguments__';

/**
 * Parameter kinds known to `MQParamsFactory`. Pipes receive `type: 'body'` for the payload (the
 * value of Nest's `RouteParamtypes.BODY`, so `ValidationPipe` validates it as it does a request
 * body) and `'custom'` for the message and the context (which `ValidationPipe` skips).
 */
export enum MQParamType {
  PAYLOAD = 3,
  MESSAGE = 1001,
  CONTEXT = 1002,
}

/** Built-in consumer defaults (module `defaults` and decorator options override them). */
export const CONSUMER_DEFAULTS = {
  batchSize: 16,
  waitSeconds: 30,
  /**
   * A full batch at once. Every poll is an HTTP round trip, so one handler at a time would pay a
   * round trip per message (measured ~8x slower than the official SDK loop in `npm run bench`);
   * set 1 for strictly sequential handling (or use `orderly` when order matters).
   */
  concurrency: 16,
  orderly: false,
  autoStart: true,
  /** Under the 300 s invisibility window of a normal consume. */
  handlerTimeoutMs: 4 * 60 * 1000,
  /** Under the 60 s invisibility window of an orderly consume. */
  orderlyHandlerTimeoutMs: 50 * 1000,
} as const;

/** Default `retryBackoff` (RocketMQ 5): 1 s, 2 s, 4 s … up to 5 min. */
export const RETRY_BACKOFF_DEFAULTS = { initialMs: 1_000, maxMs: 300_000 } as const;

/**
 * Where the client chooses the invisibility window (RocketMQ 5), a receive asks for the handler
 * timeout plus this: room for the ack (and its retries) after a handler that used all its time.
 */
export const INVISIBILITY_MARGIN_MS = 10_000;

/** Invisibility windows of the service (PROTOCOL.md): a handle expires after these. */
export const INVISIBILITY_MS = { normal: 300_000, orderly: 60_000 } as const;

/** Defaults of `@MQTransactionChecker()`. */
export const TRANSACTION_CHECKER_DEFAULTS = {
  batchSize: 16,
  waitSeconds: 30,
  concurrency: 1,
  autoStart: true,
} as const;

/**
 * Backoff of a failing poll loop. Bounded low on purpose: after each wait a short poll probes the
 * server, so a consumer resumes within about `maxMs` of the server coming back, while an
 * endpoint that is down sees one cheap probe per consumer every 0.5-1 s.
 */
export const POLL_BACKOFF_DEFAULTS = { initialMs: 200, maxMs: 1_000 } as const;

/** Module-level defaults. */
export const MODULE_DEFAULTS = {
  drainTimeoutMs: 20_000,
  transCheckImmunitySeconds: 10,
} as const;

/** Upper bound of `concurrency`: far above what one poller can keep busy, catches typos (e.g. 10000). */
export const MAX_CONCURRENCY = 1024;
