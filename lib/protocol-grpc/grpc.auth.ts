/**
 * Request metadata of RocketMQ 5 clients and the `MQv2-HMAC-SHA1` authorization scheme:
 *
 *   authorization: MQv2-HMAC-SHA1 Credential=<AccessKey>, SignedHeaders=x-mq-date-time, Signature=<HEX>
 *   x-mq-date-time: 20230913T063059Z          (UTC, yyyyMMdd'T'HHmmss'Z')
 *
 * The signature is HMAC-SHA1(secret, value of x-mq-date-time), upper-case hex (the proxy decodes the
 * hex, so case does not matter when verifying). A client without credentials sends no authorization.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Metadata keys (gRPC lower-cases them). */
export const MQ_GRPC_HEADER = {
  authorization: 'authorization',
  dateTime: 'x-mq-date-time',
  clientId: 'x-mq-client-id',
  requestId: 'x-mq-request-id',
  protocol: 'x-mq-protocol',
  language: 'x-mq-language',
  clientVersion: 'x-mq-client-version',
  /** The namespace; on ApsaraMQ for RocketMQ 5.x the instance id. */
  namespace: 'x-mq-namespace',
  sessionToken: 'x-mq-session-token',
} as const;

export const MQ_AUTH_ALGORITHM = 'MQv2-HMAC-SHA1';

const DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `yyyyMMdd'T'HHmmss'Z'` in UTC, e.g. `20230913T063059Z`. */
export function formatRequestDateTime(date: Date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}

/** Epoch ms of an `x-mq-date-time` value, or undefined when it is not one. */
export function parseRequestDateTime(value: string): number | undefined {
  const m = DATE_TIME.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Reject impossible dates (Date.UTC would roll 20230231 over into March).
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return ms;
}

/** HMAC-SHA1 of the date-time value, upper-case hex. */
export function signDateTime(secret: string, dateTime: string): string {
  return createHmac('sha1', secret).update(dateTime).digest('hex').toUpperCase();
}

/** The `authorization` value a client sends. */
export function buildAuthorization(accessKey: string, secret: string, dateTime: string): string {
  return `${MQ_AUTH_ALGORITHM} Credential=${accessKey}, SignedHeaders=${MQ_GRPC_HEADER.dateTime}, Signature=${signDateTime(secret, dateTime)}`;
}

export interface ParsedAuthorization {
  algorithm: string;
  /** The access key (the part of `Credential` before any `/`). */
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Splits an `authorization` value: `<algorithm> Key=Value, Key=Value, …`. Returns undefined when it
 * is not of that form or lacks the credential or the signature.
 */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const space = value.indexOf(' ');
  if (space <= 0) return undefined;
  const algorithm = value.slice(0, space);
  let accessKey: string | undefined;
  let signature: string | undefined;
  let signedHeaders: string[] = [];
  for (const part of value.slice(space + 1).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const key = item.slice(0, eq);
    const v = item.slice(eq + 1);
    if (key === 'Credential') accessKey = v.split('/')[0];
    else if (key === 'Signature') signature = v;
    else if (key === 'SignedHeaders') signedHeaders = v.split(';').filter((h) => h !== '');
  }
  if (accessKey === undefined || accessKey === '' || signature === undefined || signature === '') {
    return undefined;
  }
  return { algorithm, accessKey, signedHeaders, signature };
}

const HEX_SHA1 = /^[0-9a-fA-F]{40}$/;

/** Constant-time check of a hex signature (any case) against the date-time value. */
export function verifyDateTimeSignature(
  secret: string,
  dateTime: string,
  signature: string,
): boolean {
  if (!HEX_SHA1.test(signature)) return false;
  const expected = createHmac('sha1', secret).update(dateTime).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
