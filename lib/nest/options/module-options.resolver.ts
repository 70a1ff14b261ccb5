import type { LoggerService } from '@nestjs/common';
import {
  findTransportDriver,
  TRANSPORT_KINDS,
  type MQClientOptions,
  type MQCredentials,
  type MQCredentialsProvider,
  type MQTransportDriver,
  type MQTransportKind,
} from '../../transport/index.js';
import { MODULE_DEFAULTS, POLL_BACKOFF_DEFAULTS } from '../mq.constants.js';
import {
  RETRY_DEFAULTS,
  resolveRetryPolicy,
  type ResolvedRetryPolicy,
} from '../retry/retry.policy.js';
import { invalidModuleOption } from '../mq.messages.js';
import type {
  MQConsumerDefaults,
  MQConsumerOverrides,
} from '../interfaces/mq-consumer-options.interface.js';
import type {
  MQFailurePolicy,
  MQModuleOptions,
} from '../interfaces/mq-module-options.interface.js';
import { isInt, isNonEmptyString, isPolicy } from './option.checks.js';
import { viaTransport } from './subscription.checks.js';

/** Module options after validation, with every default applied. */
export interface ResolvedModuleOptions {
  connection: string;
  transport: MQTransportKind;
  /** The protocol's checks and transport factory. */
  driver: MQTransportDriver;
  endpoint: string;
  credentials: MQCredentials | MQCredentialsProvider;
  /** HTTP `ns` / RocketMQ 5 namespace; undefined = the default instance. */
  instanceId: string | undefined;
  /** Client tuning handed to the transport. */
  client: MQClientOptions;
  consumersEnabled: boolean;
  verifyConnection: boolean;
  defaults: MQConsumerDefaults;
  consumers: Record<string, MQConsumerOverrides>;
  drainTimeoutMs: number;
  pollBackoff: { initialMs?: number; maxMs?: number };
  /** The producer's retry policy; undefined = `publishRetry: false`. */
  publishRetry: ResolvedRetryPolicy | undefined;
  onFilteredError: MQFailurePolicy;
  onGuardRejection: MQFailurePolicy;
  onInvalidMessage: MQFailurePolicy;
  logger: LoggerService | false | undefined;
  telemetry: boolean;
}

const KNOWN_OPTIONS = new Set<string>([
  'transport',
  'endpoint',
  'accessKeyId',
  'accessKeySecret',
  'securityToken',
  'credentials',
  'instanceId',
  'consumersEnabled',
  'verifyConnection',
  'defaults',
  'consumers',
  'shutdown',
  'pollBackoff',
  'publishRetry',
  'onFilteredError',
  'onGuardRejection',
  'onInvalidMessage',
  'client',
  'logger',
  'telemetry',
]);

/**
 * Validates the options of one connection; every error names the option (never its value when the
 * option is a secret). Runs when the options provider is created, so a bad option fails bootstrap.
 */
export function resolveModuleOptions(
  raw: MQModuleOptions | undefined,
  connection: string,
): ResolvedModuleOptions {
  const fail = (option: string, problem: string): never => {
    throw new Error(invalidModuleOption(connection, option, problem));
  };
  if (raw === null || typeof raw !== 'object') return fail('options', 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!KNOWN_OPTIONS.has(key)) fail(key, 'is not a known option');
  }
  const transport = raw.transport ?? 'http';
  const driver = findTransportDriver(transport);
  if (driver === undefined) {
    return fail('transport', `must be one of ${TRANSPORT_KINDS.map((k) => `'${k}'`).join(', ')}`);
  }
  viaTransport(fail, () => driver.checkEndpoint(raw.endpoint));

  const credentials = resolveCredentials(raw, fail);
  if (raw.client !== undefined && (raw.client === null || typeof raw.client !== 'object')) {
    fail('client', 'must be an object');
  }
  if (raw.client !== undefined) viaTransport(fail, () => driver.checkClientOptions(raw.client!));
  const instanceId = raw.instanceId ?? raw.client?.instanceId;
  viaTransport(fail, () => driver.checkInstanceId(instanceId));
  for (const key of ['consumersEnabled', 'verifyConnection'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') fail(key, 'must be a boolean');
  }
  const drainTimeoutMs = raw.shutdown?.drainTimeoutMs ?? MODULE_DEFAULTS.drainTimeoutMs;
  if (!isInt(drainTimeoutMs, 0, 3_600_000)) {
    fail('shutdown.drainTimeoutMs', 'must be an integer number of ms between 0 and 3600000');
  }
  const pollBackoff = raw.pollBackoff ?? {};
  for (const key of ['initialMs', 'maxMs'] as const) {
    const v = pollBackoff[key];
    if (v !== undefined && !isInt(v, 1, 3_600_000)) {
      fail(`pollBackoff.${key}`, 'must be an integer number of ms between 1 and 3600000');
    }
  }
  const initialMs = pollBackoff.initialMs ?? POLL_BACKOFF_DEFAULTS.initialMs;
  const maxMs = pollBackoff.maxMs ?? POLL_BACKOFF_DEFAULTS.maxMs;
  if (maxMs < initialMs) {
    fail('pollBackoff.maxMs', `must be at least pollBackoff.initialMs (${initialMs})`);
  }
  const publishRetry = resolveRetryPolicy(raw.publishRetry, RETRY_DEFAULTS, 'publishRetry', fail);
  for (const key of ['onFilteredError', 'onGuardRejection', 'onInvalidMessage'] as const) {
    if (raw[key] !== undefined && !isPolicy(raw[key])) fail(key, `must be 'retry' or 'ack'`);
  }
  if (raw.defaults !== undefined && (raw.defaults === null || typeof raw.defaults !== 'object')) {
    fail('defaults', 'must be an object');
  }
  if (
    raw.consumers !== undefined &&
    (raw.consumers === null || typeof raw.consumers !== 'object')
  ) {
    fail('consumers', 'must be an object keyed by consumer name');
  }
  const logger = raw.logger;
  if (logger !== undefined && logger !== false && typeof logger?.log !== 'function') {
    fail('logger', 'must be a LoggerService or false');
  }
  if (raw.telemetry !== undefined && typeof raw.telemetry !== 'boolean') {
    fail('telemetry', 'must be a boolean');
  }
  return {
    connection,
    transport,
    driver,
    endpoint: raw.endpoint,
    credentials,
    instanceId: instanceId || undefined,
    client: { ...raw.client },
    consumersEnabled: raw.consumersEnabled ?? true,
    verifyConnection: raw.verifyConnection ?? false,
    defaults: raw.defaults ?? {},
    consumers: raw.consumers ?? {},
    drainTimeoutMs,
    pollBackoff,
    publishRetry,
    onFilteredError: raw.onFilteredError ?? 'retry',
    onGuardRejection: raw.onGuardRejection ?? 'retry',
    onInvalidMessage: raw.onInvalidMessage ?? 'retry',
    logger,
    telemetry: raw.telemetry ?? true,
  };
}

function resolveCredentials(
  raw: MQModuleOptions,
  fail: (option: string, problem: string) => never,
): MQCredentials | MQCredentialsProvider {
  const hasKeys = raw.accessKeyId !== undefined || raw.accessKeySecret !== undefined;
  if (raw.credentials !== undefined) {
    if (hasKeys) fail('credentials', 'cannot be combined with accessKeyId/accessKeySecret');
    const c = raw.credentials;
    if (typeof c === 'function') return c;
    if (c === null || typeof c !== 'object') {
      fail('credentials', 'must be { accessKeyId, accessKeySecret } or a function returning it');
    }
    if (!isNonEmptyString(c.accessKeyId))
      fail('credentials.accessKeyId', 'must be a non-empty string');
    if (!isNonEmptyString(c.accessKeySecret)) {
      fail('credentials.accessKeySecret', 'must be a non-empty string');
    }
    return c;
  }
  if (!isNonEmptyString(raw.accessKeyId)) {
    fail('accessKeyId', 'must be a non-empty string (or give `credentials`)');
  }
  if (!isNonEmptyString(raw.accessKeySecret)) {
    fail('accessKeySecret', 'must be a non-empty string (or give `credentials`)');
  }
  if (raw.securityToken !== undefined && !isNonEmptyString(raw.securityToken)) {
    fail('securityToken', 'must be a non-empty string');
  }
  return {
    accessKeyId: raw.accessKeyId!,
    accessKeySecret: raw.accessKeySecret!,
    ...(raw.securityToken !== undefined && { securityToken: raw.securityToken }),
  };
}
