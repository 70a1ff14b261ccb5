import type {
  EmulatorCredential,
  EmulatorGroupDeclaration,
  EmulatorOptions,
  EmulatorTimings,
  EmulatorTopicDeclaration,
} from '../emulator.types.js';
import { MQ_LIMITS } from '../../protocol/index.js';
import type { EmulatorFaultOptions, FaultRuleInput } from '../faults/fault.types.js';
import {
  FaultRuleError,
  validateFaultRule,
  validateFaultSeed,
} from '../faults/fault-rule.validate.js';
import { isTopicName } from '../http/request.route.js';
import {
  DEFAULT_HOST,
  DEFAULT_INSTANCE_ID,
  DEFAULT_MAX_RETAINED_BYTES,
  DEFAULT_MAX_RETAINED_MESSAGES,
  DEFAULT_TIMINGS,
  DEV_CREDENTIALS,
} from './emulator.defaults.js';

/** A bad emulator option; `option` is its path, e.g. `timings.maxRetries` or `topics[2].type`. */
export class EmulatorOptionsError extends Error {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`Invalid emulator option "${option}": ${problem}`);
    this.name = 'EmulatorOptionsError';
  }
}

/** EmulatorOptions with every default filled in and every value checked. */
export interface ResolvedEmulatorOptions {
  port: number;
  /** RocketMQ 5 gRPC front; undefined = off. */
  grpcPort?: number;
  host: string;
  clock: 'real' | 'virtual';
  startTime?: number;
  auth: 'strict' | 'off';
  credentials: EmulatorCredential[];
  instanceId: string;
  autoCreate: boolean;
  topics: EmulatorTopicDeclaration[];
  groups: EmulatorGroupDeclaration[];
  dataDir?: string;
  maxRetainedMessages: number;
  maxRetainedBytes: number;
  timings: EmulatorTimings;
  faults: { seed?: number; rules: FaultRuleInput[] };
  logger?: (line: string) => void;
  logLevel: 'warn' | 'info' | 'debug';
  console: boolean;
  adminToken?: string;
}

const OPTION_KEYS: ReadonlySet<string> = new Set([
  'port',
  'grpcPort',
  'host',
  'clock',
  'startTime',
  'auth',
  'credentials',
  'instanceId',
  'autoCreate',
  'topics',
  'groups',
  'dataDir',
  'maxRetainedMessages',
  'maxRetainedBytes',
  'timings',
  'faults',
  'logger',
  'logLevel',
  'console',
  'adminToken',
]);
const TOPIC_TYPES: ReadonlySet<string> = new Set(['normal', 'orderly', 'transactional', 'delay']);
const MAX_TOPIC_NAME_LENGTH = MQ_LIMITS.maxTopicLength;
/** Instance ids and group ids travel raw in query strings (PROTOCOL.md §1.3). */
const ID_CHARS = /^[A-Za-z0-9_-]*$/;
/** Travels in an `Authorization: Bearer` header and in a URL fragment: no spaces, no quoting. */
const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]{8,256}$/;

/** Checks every option (clear error naming the option) and fills the defaults. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EmulatorOptionsError('options', 'expected an object');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new EmulatorOptionsError(key, 'unknown option');
  }
  const o = options as Record<string, unknown>;
  const clock = oneOf(o.clock, 'clock', ['real', 'virtual'] as const) ?? 'real';
  const startTime = optionalInteger(o.startTime, 'startTime', 0);
  if (startTime !== undefined && clock !== 'virtual') {
    throw new EmulatorOptionsError(
      'startTime',
      'only a virtual clock has a start time (set clock: "virtual")',
    );
  }
  const logger = o.logger;
  if (logger !== undefined && typeof logger !== 'function') {
    throw new EmulatorOptionsError('logger', 'expected a function (line: string) => void');
  }
  const instanceId = optionalString(o.instanceId, 'instanceId', true) ?? DEFAULT_INSTANCE_ID;
  if (!ID_CHARS.test(instanceId)) {
    throw new EmulatorOptionsError('instanceId', 'may contain only letters, digits, "_" and "-"');
  }
  const dataDir = optionalString(o.dataDir, 'dataDir', false);
  const adminToken = optionalString(o.adminToken, 'adminToken', false);
  if (adminToken !== undefined && !TOKEN_CHARS.test(adminToken)) {
    // The value is never echoed: it is a secret.
    throw new EmulatorOptionsError(
      'adminToken',
      'expected 8-256 characters among letters, digits and . _ ~ + / = -',
    );
  }
  const grpcPort = optionalInteger(o.grpcPort, 'grpcPort', 0, 65_535);
  const port = optionalInteger(o.port, 'port', 0, 65_535) ?? 0;
  if (grpcPort !== undefined && grpcPort !== 0 && grpcPort === port) {
    throw new EmulatorOptionsError('grpcPort', `must differ from port (both are ${port})`);
  }
  return {
    port,
    ...(grpcPort !== undefined ? { grpcPort } : {}),
    host: optionalString(o.host, 'host', false) ?? DEFAULT_HOST,
    clock,
    ...(startTime !== undefined ? { startTime } : {}),
    auth: oneOf(o.auth, 'auth', ['strict', 'off'] as const) ?? 'strict',
    credentials: resolveCredentials(o.credentials),
    instanceId,
    autoCreate: optionalBoolean(o.autoCreate, 'autoCreate') ?? true,
    topics: resolveTopics(o.topics, instanceId),
    groups: resolveGroups(o.groups, instanceId),
    ...(dataDir !== undefined ? { dataDir } : {}),
    maxRetainedMessages:
      optionalInteger(o.maxRetainedMessages, 'maxRetainedMessages', 1) ??
      DEFAULT_MAX_RETAINED_MESSAGES,
    maxRetainedBytes:
      optionalInteger(o.maxRetainedBytes, 'maxRetainedBytes', 1) ?? DEFAULT_MAX_RETAINED_BYTES,
    timings: resolveTimings(o.timings),
    faults: resolveFaults(o.faults),
    ...(logger !== undefined ? { logger: logger as (line: string) => void } : {}),
    logLevel: oneOf(o.logLevel, 'logLevel', ['warn', 'info', 'debug'] as const) ?? 'debug',
    console: optionalBoolean(o.console, 'console') ?? true,
    ...(adminToken !== undefined ? { adminToken } : {}),
  };
}

function resolveCredentials(value: unknown): EmulatorCredential[] {
  if (value === undefined) return [{ ...DEV_CREDENTIALS }];
  if (!Array.isArray(value) || value.length === 0) {
    throw new EmulatorOptionsError(
      'credentials',
      'expected a non-empty array of { accessKeyId, accessKeySecret }',
    );
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const path = `credentials[${i}]`;
    const record = asRecord(entry, path, ['accessKeyId', 'accessKeySecret']);
    const accessKeyId = requiredString(record.accessKeyId, `${path}.accessKeyId`);
    // The secret's value is never echoed in an error message.
    if (typeof record.accessKeySecret !== 'string' || record.accessKeySecret === '') {
      throw new EmulatorOptionsError(`${path}.accessKeySecret`, 'expected a non-empty string');
    }
    if (accessKeyId.includes(':') || /\s/.test(accessKeyId)) {
      throw new EmulatorOptionsError(`${path}.accessKeyId`, 'must not contain ":" or whitespace');
    }
    if (seen.has(accessKeyId)) {
      throw new EmulatorOptionsError(`${path}.accessKeyId`, `"${accessKeyId}" is listed twice`);
    }
    seen.add(accessKeyId);
    return { accessKeyId, accessKeySecret: record.accessKeySecret };
  });
}

/**
 * Declarations without `instanceId` belong to the emulator's advertised instance (the one clients
 * are given); `''` names the default, namespace-less instance.
 */
function resolveTopics(value: unknown, defaultInstance: string): EmulatorTopicDeclaration[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new EmulatorOptionsError('topics', 'expected an array');
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const path = `topics[${i}]`;
    const record = asRecord(entry, path, ['name', 'instanceId', 'type']);
    const name = requiredString(record.name, `${path}.name`);
    if (!isTopicName(name)) {
      // Requests could never reach it: the HTTP front answers TopicNotExist for such a name.
      throw new EmulatorOptionsError(
        `${path}.name`,
        `topic ${JSON.stringify(name)} can never be used: a topic name has 1-${MAX_TOPIC_NAME_LENGTH} letters, digits, "_", "-", "%" or "|"`,
      );
    }
    const instanceId =
      declarationInstance(record.instanceId, `${path}.instanceId`) ?? defaultInstance;
    const type = oneOf(record.type, `${path}.type`, [
      ...TOPIC_TYPES,
    ] as EmulatorTopicDeclaration['type'][]);
    const key = `${instanceId}\n${name}`;
    if (seen.has(key))
      throw new EmulatorOptionsError(`${path}.name`, `topic "${name}" is declared twice`);
    seen.add(key);
    return {
      name,
      instanceId,
      ...(type !== undefined ? { type } : {}),
    };
  });
}

function resolveGroups(value: unknown, defaultInstance: string): EmulatorGroupDeclaration[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new EmulatorOptionsError('groups', 'expected an array');
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const path = `groups[${i}]`;
    const record = asRecord(entry, path, ['id', 'instanceId', 'fifo']);
    const id = requiredString(record.id, `${path}.id`);
    if (!ID_CHARS.test(id)) {
      throw new EmulatorOptionsError(
        `${path}.id`,
        `group ${JSON.stringify(id)} can never be used: a group id has only letters, digits, "_" and "-"`,
      );
    }
    const instanceId =
      declarationInstance(record.instanceId, `${path}.instanceId`) ?? defaultInstance;
    const key = `${instanceId}\n${id}`;
    if (seen.has(key))
      throw new EmulatorOptionsError(`${path}.id`, `group "${id}" is declared twice`);
    seen.add(key);
    const fifo = optionalBoolean(record.fifo, `${path}.fifo`);
    return { id, instanceId, ...(fifo !== undefined ? { fifo } : {}) };
  });
}

function resolveTimings(value: unknown): EmulatorTimings {
  if (value === undefined) return { ...DEFAULT_TIMINGS };
  const record = asRecord(value, 'timings', Object.keys(DEFAULT_TIMINGS));
  const timings = { ...DEFAULT_TIMINGS };
  for (const key of Object.keys(DEFAULT_TIMINGS) as (keyof EmulatorTimings)[]) {
    // maxRetries 0 = dead-letter on the first expiry; every duration must be positive.
    const min = key === 'maxRetries' ? 0 : 1;
    const resolved = optionalInteger(record[key], `timings.${key}`, min);
    if (resolved !== undefined) timings[key] = resolved;
  }
  if (timings.headersTimeoutMs > timings.requestTimeoutMs) {
    throw new EmulatorOptionsError(
      'timings.headersTimeoutMs',
      `must not exceed timings.requestTimeoutMs (${timings.requestTimeoutMs})`,
    );
  }
  return timings;
}

function resolveFaults(value: unknown): { seed?: number; rules: FaultRuleInput[] } {
  if (value === undefined) return { rules: [] };
  const record = asRecord(value, 'faults', ['seed', 'rules']) as EmulatorFaultOptions;
  const out: { seed?: number; rules: FaultRuleInput[] } = { rules: [] };
  try {
    if (record.seed !== undefined) out.seed = validateFaultSeed(record.seed);
  } catch (err) {
    if (err instanceof FaultRuleError) throw new EmulatorOptionsError('faults.seed', err.problem);
    throw err;
  }
  if (record.rules === undefined) return out;
  if (!Array.isArray(record.rules))
    throw new EmulatorOptionsError('faults.rules', 'expected an array');
  record.rules.forEach((rule: unknown, i) => {
    try {
      out.rules.push(validateFaultRule(rule));
    } catch (err) {
      if (err instanceof FaultRuleError) {
        const field = err.field === 'rule' ? '' : `.${err.field}`;
        throw new EmulatorOptionsError(`faults.rules[${i}]${field}`, err.problem);
      }
      throw err;
    }
  });
  return out;
}

function declarationInstance(value: unknown, path: string): string | undefined {
  const id = optionalString(value, path, true);
  if (id !== undefined && !ID_CHARS.test(id)) {
    throw new EmulatorOptionsError(path, 'may contain only letters, digits, "_" and "-"');
  }
  return id;
}

function asRecord(
  value: unknown,
  path: string,
  allowed: readonly string[],
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EmulatorOptionsError(path, 'expected an object');
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new EmulatorOptionsError(
        `${path}.${key}`,
        `unknown key (allowed: ${allowed.join(', ')})`,
      );
    }
  }
  return value as Record<string, unknown>;
}

function requiredString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new EmulatorOptionsError(path, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function optionalString(value: unknown, path: string, allowEmpty: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new EmulatorOptionsError(
      path,
      `expected a ${allowEmpty ? '' : 'non-empty '}string, got ${describe(value)}`,
    );
  }
  return value;
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new EmulatorOptionsError(path, `expected true or false, got ${describe(value)}`);
  return value;
}

function optionalInteger(
  value: unknown,
  path: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new EmulatorOptionsError(path, `expected an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

function oneOf<T extends string | undefined>(
  value: unknown,
  path: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new EmulatorOptionsError(
      path,
      `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
