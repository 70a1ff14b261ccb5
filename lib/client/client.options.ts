/**
 * Validation and defaults for the client's constructor arguments. Runs once per client, so it may be
 * thorough; everything the hot path needs is precomputed into `ResolvedClientOptions`.
 */
import { MQInvalidArgumentError } from './client.errors.js';
import { checkIdChars, checkKnownKeys } from './client.validation.js';
import { CLIENT_VERSION } from './client.version.js';
import type { MQClientOptions, MQCredentials, MQCredentialsProvider } from './client.types.js';

export interface ResolvedClientOptions {
  instanceId: string;
  connections: number;
  pollConnections: number;
  requestTimeoutMs: number;
  longPollMarginMs: number;
  keepAliveTimeoutMs: number;
  verifyMd5: boolean;
  userAgent: string;
  clock: () => number;
}

export const CLIENT_DEFAULTS = {
  connections: 16,
  pollConnections: 64,
  requestTimeoutMs: 10_000,
  longPollMarginMs: 5_000,
  keepAliveTimeoutMs: 30_000,
} as const;

const OPTION_KEYS: ReadonlySet<string> = new Set([
  'instanceId',
  'connections',
  'pollConnections',
  'requestTimeoutMs',
  'longPollMarginMs',
  'keepAliveTimeoutMs',
  'verifyMd5',
  'userAgent',
  'clock',
]);

/** Header values cannot carry CR, LF or NUL (header injection); they are the only chars we refuse. */
export function hasHeaderBreakingChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13 || c === 10 || c === 0) return true;
  }
  return false;
}

/** The example every endpoint message of the MQ HTTP client shows. */
export const MQ_ENDPOINT_EXAMPLE = 'http://1234567890123456.mqrest.cn-hangzhou.aliyuncs.com';

/** The value as an error may show it: user info (a password, perhaps) is masked. */
function shownEndpoint(value: unknown): string {
  if (typeof value !== 'string') return `${typeof value} ${String(value)}`;
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@'));
}

/**
 * The endpoint normalised to `scheme://host[:port]` (trailing slashes stripped), or the problem
 * with it in the one wording every caller uses (clients and module options): missing, empty, or
 * not the expected form (with the value shown and `example`).
 */
export function parseEndpoint(
  endpoint: unknown,
  example = MQ_ENDPOINT_EXAMPLE,
): { origin: string } | { problem: string } {
  const form = `an http(s) URL with a host and no path, query or fragment, e.g. ${example}`;
  if (endpoint === undefined || endpoint === null) return { problem: `is missing; give ${form}` };
  if (endpoint === '') return { problem: `is empty; give ${form}` };
  const bad = { problem: `must be ${form}; got ${shownEndpoint(endpoint)}` };
  if (typeof endpoint !== 'string') return bad;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return bad;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad;
  if (url.username || url.password || url.hostname.length === 0) return bad;
  // The request-target is signed as `/topics/...`; any base path would break the signature (§1.1).
  let path = url.pathname;
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path !== '/' || url.search || url.hash) return bad;
  return { origin: url.origin };
}

/** Parses and normalises the endpoint to `scheme://host[:port]` (trailing slashes stripped). */
export function resolveEndpoint(endpoint: unknown, example = MQ_ENDPOINT_EXAMPLE): string {
  const parsed = parseEndpoint(endpoint, example);
  if ('problem' in parsed) throw new MQInvalidArgumentError('endpoint', parsed.problem);
  return parsed.origin;
}

export function checkCredentials(creds: unknown, argument = 'credentials'): MQCredentials {
  if (creds === null || typeof creds !== 'object') {
    throw new MQInvalidArgumentError(
      argument,
      'must be an object with accessKeyId and accessKeySecret',
    );
  }
  const c = creds as MQCredentials;
  if (typeof c.accessKeyId !== 'string' || c.accessKeyId.length === 0) {
    throw new MQInvalidArgumentError(`${argument}.accessKeyId`, 'must be a non-empty string');
  }
  if (c.accessKeyId.includes(':') || hasHeaderBreakingChar(c.accessKeyId)) {
    throw new MQInvalidArgumentError(
      `${argument}.accessKeyId`,
      'must not contain ":", CR, LF or NUL',
    );
  }
  if (typeof c.accessKeySecret !== 'string' || c.accessKeySecret.length === 0) {
    // Never echo the value: it is a secret.
    throw new MQInvalidArgumentError(`${argument}.accessKeySecret`, 'must be a non-empty string');
  }
  if (c.securityToken !== undefined) {
    if (typeof c.securityToken !== 'string' || hasHeaderBreakingChar(c.securityToken)) {
      throw new MQInvalidArgumentError(
        `${argument}.securityToken`,
        'must be a string without CR, LF or NUL',
      );
    }
  }
  return c;
}

export function checkCredentialsSource(
  credentials: unknown,
): MQCredentials | MQCredentialsProvider {
  if (typeof credentials === 'function') return credentials as MQCredentialsProvider;
  return checkCredentials(credentials);
}

function positiveInt(options: MQClientOptions, name: keyof MQClientOptions, dflt: number): number {
  const v = options[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new MQInvalidArgumentError(
      `options.${name}`,
      `must be a positive integer, got ${String(v)}`,
    );
  }
  return v;
}

export function checkInstanceId(value: unknown, argument: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    throw new MQInvalidArgumentError(argument, 'must be a string (empty for the default instance)');
  }
  checkIdChars(value, argument);
  return value;
}

export function resolveClientOptions(options: MQClientOptions | undefined): ResolvedClientOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw new MQInvalidArgumentError('options', 'must be an object');
  }
  checkKnownKeys(options, OPTION_KEYS, 'options.', 'an MQClient option');
  if (options.verifyMd5 !== undefined && typeof options.verifyMd5 !== 'boolean') {
    throw new MQInvalidArgumentError('options.verifyMd5', 'must be a boolean');
  }
  let userAgent = `nestjs-aliyun-mq/${CLIENT_VERSION}`;
  if (options.userAgent !== undefined) {
    if (typeof options.userAgent !== 'string' || hasHeaderBreakingChar(options.userAgent)) {
      throw new MQInvalidArgumentError(
        'options.userAgent',
        'must be a string without CR, LF or NUL',
      );
    }
    if (options.userAgent.length > 0) userAgent += ` ${options.userAgent}`;
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new MQInvalidArgumentError('options.clock', 'must be a function returning epoch ms');
  }
  return {
    instanceId: checkInstanceId(options.instanceId, 'options.instanceId'),
    connections: positiveInt(options, 'connections', CLIENT_DEFAULTS.connections),
    pollConnections: positiveInt(options, 'pollConnections', CLIENT_DEFAULTS.pollConnections),
    requestTimeoutMs: positiveInt(options, 'requestTimeoutMs', CLIENT_DEFAULTS.requestTimeoutMs),
    longPollMarginMs: positiveInt(options, 'longPollMarginMs', CLIENT_DEFAULTS.longPollMarginMs),
    keepAliveTimeoutMs: positiveInt(
      options,
      'keepAliveTimeoutMs',
      CLIENT_DEFAULTS.keepAliveTimeoutMs,
    ),
    verifyMd5: options.verifyMd5 ?? true,
    userAgent,
    clock: options.clock ?? Date.now,
  };
}
