/**
 * Who is calling: authentication of the request metadata, the client id and the namespace
 * (instance id). Mirrors the proxy's pipeline: authenticate first (UNAUTHORIZED), then require
 * `x-mq-client-id` (CLIENT_ID_REQUIRED).
 *
 * The signature (HMAC-SHA1 of `x-mq-date-time`) is verified in constant time against the
 * emulator's credentials; the date is not checked against the clock, as the proxy does not (a
 * client's Telemetry stream keeps the metadata of its opening for hours).
 */
import type { Metadata } from '@grpc/grpc-js';
import {
  MQ_AUTH_ALGORITHM,
  MQ_GRPC_HEADER,
  parseAuthorization,
  verifyDateTimeSignature,
} from '../../protocol-grpc/index.js';
import type { EmulatorCredential } from '../emulator.types.js';
import type { EmulatorLog } from '../http/http.log.js';
import { fail } from './grpc.errors.js';

export interface RequestContext {
  /** Broker namespace: `x-mq-namespace` (the instance id), '' when absent. */
  ns: string;
  clientId: string;
}

export interface ContextReaderOptions {
  auth: 'strict' | 'off';
  credentials: readonly EmulatorCredential[];
  log: EmulatorLog;
}

const MAX_NAMESPACE_LENGTH = 128;

export type ContextReader = (metadata: Metadata, resourceNamespace?: string) => RequestContext;

export function createContextReader(options: ContextReaderOptions): ContextReader {
  const secrets = new Map<string, string>();
  for (const c of options.credentials) secrets.set(c.accessKeyId, c.accessKeySecret);
  const { log } = options;
  const strict = options.auth === 'strict';

  const authenticate = (metadata: Metadata): void => {
    const authorization = first(metadata, MQ_GRPC_HEADER.authorization);
    if (authorization === '') {
      fail(
        'UNAUTHORIZED',
        'username cannot be null: the request carries no authorization (sign it with the emulator credentials)',
      );
    }
    const dateTime = first(metadata, MQ_GRPC_HEADER.dateTime);
    if (dateTime === '') fail('UNAUTHORIZED', 'datetime is null.');
    const parsed = parseAuthorization(authorization);
    if (parsed === undefined || parsed.algorithm !== MQ_AUTH_ALGORITHM) {
      fail('UNAUTHORIZED', 'authentication header is incorrect.');
    }
    const secret = secrets.get(parsed.accessKey);
    if (secret === undefined) fail('UNAUTHORIZED', `User:${parsed.accessKey} is not found.`);
    if (!verifyDateTimeSignature(secret, dateTime, parsed.signature)) {
      if (log.enabled) {
        log.debug(
          `gRPC signature mismatch for access key ${parsed.accessKey}; signed value was ${JSON.stringify(dateTime)}`,
        );
      }
      fail('UNAUTHORIZED', 'check signature failed.');
    }
  };

  return (metadata, resourceNamespace) => {
    if (strict) authenticate(metadata);
    const clientId = first(metadata, MQ_GRPC_HEADER.clientId);
    if (clientId === '') fail('CLIENT_ID_REQUIRED', 'client id cannot be empty');
    const header = first(metadata, MQ_GRPC_HEADER.namespace);
    const ns = header !== '' ? header : (resourceNamespace ?? '');
    if (ns.length > MAX_NAMESPACE_LENGTH) {
      fail('BAD_REQUEST', `the namespace is longer than ${MAX_NAMESPACE_LENGTH} characters`);
    }
    return { ns, clientId };
  };
}

/** First value of a metadata key as text ('' when absent). */
function first(metadata: Metadata, key: string): string {
  const value = metadata.get(key)[0];
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.toString('utf8');
}
