/** Options of the RocketMQ 5 client, validated once; the hot path reads the resolved values. */
import { MQInvalidArgumentError } from '../client/client.errors.js';
import { SILENT_LOGGER, type GrpcClientLogger } from './client.logger.js';
import { checkNamespace } from './grpc.validation.js';

export interface RocketMQ5ClientOptions {
  /** The namespace (ApsaraMQ for RocketMQ 5.x: the instance id); '' or omitted for none. */
  namespace?: string;
  /** Whole-call deadline of every call but long polls, in ms (default 10 000). */
  requestTimeoutMs?: number;
  /** A receive's deadline is its long-polling time plus this (default 5 000). */
  longPollMarginMs?: number;
  /** Dial with TLS (default false, as rocketmq-client-nodejs). */
  tls?: boolean;
  /** Verify the body digest of received messages (default true). */
  verifyDigest?: boolean;
  /** Heartbeat period of every session (default 10 000; the proxy forgets a client after ~120 s). */
  heartbeatIntervalMs?: number;
  /** Bound of close(): NotifyClientTermination and the telemetry streams' end (default 3 000). */
  closeTimeoutMs?: number;
  /** Background problems (telemetry reconnects, failed heartbeats, dropped checks). */
  logger?: GrpcClientLogger;
  /**
   * "Now" of a `delayMs` timer's delivery time (default `Date.now`): the broker's clock when it is
   * not the machine's, e.g. an emulator's virtual clock. Signatures keep the machine's time.
   */
  clock?: () => number;
}

export interface ResolvedRocketMQ5Options {
  namespace: string;
  requestTimeoutMs: number;
  longPollMarginMs: number;
  tls: boolean;
  verifyDigest: boolean;
  heartbeatIntervalMs: number;
  closeTimeoutMs: number;
  logger: GrpcClientLogger;
  clock: () => number;
}

export const ROCKETMQ5_CLIENT_DEFAULTS = {
  requestTimeoutMs: 10_000,
  longPollMarginMs: 5_000,
  heartbeatIntervalMs: 10_000,
  closeTimeoutMs: 3_000,
} as const;

function positiveInt(value: unknown, name: string, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new MQInvalidArgumentError(
      `options.${name}`,
      `must be a positive integer, got ${String(value)}`,
    );
  }
  return value;
}

function flag(value: unknown, name: string, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (typeof value !== 'boolean')
    throw new MQInvalidArgumentError(`options.${name}`, 'must be a boolean');
  return value;
}

export function resolveRocketMQ5Options(
  options: RocketMQ5ClientOptions = {},
): ResolvedRocketMQ5Options {
  if (options === null || typeof options !== 'object') {
    throw new MQInvalidArgumentError('options', 'must be an object');
  }
  const logger = options.logger ?? SILENT_LOGGER;
  if (typeof logger.warn !== 'function' || typeof logger.log !== 'function') {
    throw new MQInvalidArgumentError('options.logger', 'must have log() and warn()');
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new MQInvalidArgumentError('options.clock', 'must be a function returning epoch ms');
  }
  return {
    clock: options.clock ?? Date.now,
    namespace: checkNamespace(options.namespace, 'options.namespace'),
    requestTimeoutMs: positiveInt(
      options.requestTimeoutMs,
      'requestTimeoutMs',
      ROCKETMQ5_CLIENT_DEFAULTS.requestTimeoutMs,
    ),
    longPollMarginMs: positiveInt(
      options.longPollMarginMs,
      'longPollMarginMs',
      ROCKETMQ5_CLIENT_DEFAULTS.longPollMarginMs,
    ),
    tls: flag(options.tls, 'tls', false),
    verifyDigest: flag(options.verifyDigest, 'verifyDigest', true),
    heartbeatIntervalMs: positiveInt(
      options.heartbeatIntervalMs,
      'heartbeatIntervalMs',
      ROCKETMQ5_CLIENT_DEFAULTS.heartbeatIntervalMs,
    ),
    closeTimeoutMs: positiveInt(
      options.closeTimeoutMs,
      'closeTimeoutMs',
      ROCKETMQ5_CLIENT_DEFAULTS.closeTimeoutMs,
    ),
    logger,
  };
}
