/**
 * One request signed once and re-sent as is: the "no per-request work" ceiling, and the cheapest
 * way to hold many identical long polls. The server accepts the repeats because the Date header
 * stays within its skew window (15 min) for the whole run.
 */
import {
  authorizationHeader,
  contentMd5,
  MQ_VERSION,
  sign,
  XML_CONTENT_TYPE,
} from '../../lib/protocol/index.js';

export interface BenchCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface PresignedRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Request-target: path + '?' + query. */
  path: string;
  /** Flat [name, value, name, value, …] list: undici's cheapest header form. */
  headers: string[];
  body?: Buffer;
}

export function presign(
  method: PresignedRequest['method'],
  path: string,
  credentials: BenchCredentials,
  body?: string,
): PresignedRequest {
  const date = new Date().toUTCString();
  const md5 = body === undefined ? undefined : contentMd5(body);
  const signature = sign(credentials.accessKeySecret, {
    method,
    contentMd5: md5,
    contentType: XML_CONTENT_TYPE,
    date,
    headers: { 'x-mq-version': MQ_VERSION },
    resource: path,
  });
  const headers = [
    'date',
    date,
    'x-mq-version',
    MQ_VERSION,
    'content-type',
    XML_CONTENT_TYPE,
    'authorization',
    authorizationHeader(credentials.accessKeyId, signature),
  ];
  if (md5 !== undefined) headers.push('content-md5', md5);
  return {
    method,
    path,
    headers,
    body: body === undefined ? undefined : Buffer.from(body, 'utf8'),
  };
}
