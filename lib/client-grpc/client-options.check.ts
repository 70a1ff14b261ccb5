/**
 * The module's `client` options as the RocketMQ 5 transport reads them, checked at bootstrap
 * (named `client.<key>`). Loadable without gRPC. The HTTP pool options have no meaning here and
 * are refused by name, so that a configuration carried over from HTTP does not look applied.
 */
import { MQInvalidArgumentError } from '../client/client.errors.js';
import type { MQClientOptions } from '../client/client.types.js';
import { checkKnownKeys } from '../client/client.validation.js';

const GRPC_KEYS: ReadonlySet<string> = new Set([
  'instanceId',
  'requestTimeoutMs',
  'longPollMarginMs',
  'verifyMd5',
  'tls',
  'clock',
]);

const HTTP_ONLY_KEYS: ReadonlySet<string> = new Set([
  'connections',
  'pollConnections',
  'keepAliveTimeoutMs',
  'userAgent',
]);

export function checkGrpcClientOptions(options: MQClientOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new MQInvalidArgumentError('client', 'must be an object');
  }
  for (const key in options) {
    if (HTTP_ONLY_KEYS.has(key)) {
      throw new MQInvalidArgumentError(
        `client.${key}`,
        "is an option of the HTTP transport; transport 'grpc' has one HTTP/2 connection per endpoint",
      );
    }
  }
  checkKnownKeys(options, GRPC_KEYS, 'client.', "an option of transport 'grpc'");
  for (const key of ['requestTimeoutMs', 'longPollMarginMs'] as const) {
    const value = options[key];
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    ) {
      throw new MQInvalidArgumentError(
        `client.${key}`,
        `must be a positive integer, got ${String(value)}`,
      );
    }
  }
  for (const key of ['verifyMd5', 'tls'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') {
      throw new MQInvalidArgumentError(`client.${key}`, 'must be a boolean');
    }
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new MQInvalidArgumentError('client.clock', 'must be a function returning epoch ms');
  }
}
