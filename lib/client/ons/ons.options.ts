/** Validation and defaults of `OnsHttpClient`'s options (once per client). */
import { MQInvalidArgumentError } from '../client.errors.js';
import { CLIENT_DEFAULTS, hasHeaderBreakingChar } from '../client.options.js';
import { CLIENT_VERSION } from '../client.version.js';
import { checkKnownKeys } from '../client.validation.js';
import type { OnsHttpClientOptions } from './ons.types.js';

/** Keys of each object the client takes; anything else is a typo and is refused. */
const OPTION_KEYS: ReadonlySet<string> = new Set([
  'connections',
  'requestTimeoutMs',
  'keepAliveTimeoutMs',
  'userAgent',
]);
export const ONS_CALL_OPTION_KEYS: ReadonlySet<string> = new Set(['signal', 'timeoutMs']);
export const ONS_CONSUME_OPTION_KEYS: ReadonlySet<string> = new Set([
  ...ONS_CALL_OPTION_KEYS,
  'num',
]);

/** A call's options object: undefined, or an object with known keys only. */
export function checkOnsCallOptions(options: unknown, known: ReadonlySet<string>): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new MQInvalidArgumentError('options', 'must be an object');
  }
  checkKnownKeys(options, known, 'options.', 'an option of this call');
}

export interface ResolvedOnsOptions {
  connections: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  userAgent: string;
}

export function resolveOnsOptions(options: OnsHttpClientOptions | undefined): ResolvedOnsOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw new MQInvalidArgumentError('options', 'must be an object');
  }
  checkKnownKeys(options, OPTION_KEYS, 'options.', 'an OnsHttpClient option');
  let userAgent = `nestjs-aliyun-mq/${CLIENT_VERSION} (ons)`;
  if (options.userAgent !== undefined) {
    if (typeof options.userAgent !== 'string' || hasHeaderBreakingChar(options.userAgent)) {
      throw new MQInvalidArgumentError(
        'options.userAgent',
        'must be a string without CR, LF or NUL',
      );
    }
    if (options.userAgent.length > 0) userAgent += ` ${options.userAgent}`;
  }
  return {
    connections: positiveInt(
      options.connections,
      'options.connections',
      CLIENT_DEFAULTS.connections,
    ),
    requestTimeoutMs: positiveInt(
      options.requestTimeoutMs,
      'options.requestTimeoutMs',
      CLIENT_DEFAULTS.requestTimeoutMs,
    ),
    keepAliveTimeoutMs: positiveInt(
      options.keepAliveTimeoutMs,
      'options.keepAliveTimeoutMs',
      CLIENT_DEFAULTS.keepAliveTimeoutMs,
    ),
    userAgent,
  };
}

/** A positive safe integer, or `dflt` when undefined. */
export function positiveInt(value: unknown, argument: string, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new MQInvalidArgumentError(argument, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}
