/**
 * The headers of one MQ HTTP request, signed (`MQ <AccessKeyId>:<signature>` over method, MD5,
 * content type, Date, the `x-mq-*` headers and the request-target). One signer per client: it keeps
 * the HMAC key of the secret last signed with and the Date string of the current second, so a
 * request costs one MD5 (bodies only), one HMAC and one flat header array.
 */
import {
  MQ_VERSION,
  XML_CONTENT_TYPE,
  authorizationHeader,
  contentMd5,
  createSigningKey,
  signWithKey,
  type SigningKey,
} from '../protocol/index.js';
import type { MQCredentials } from './client.types.js';
import { HttpDateCache } from './http-date.cache.js';
import type { TransportRequest } from './http.transport.js';

export type Method = TransportRequest['method'];

/** The only `x-mq-*` header we send; handed to the signer as is. */
const SIGNED_MQ_HEADERS: Record<string, string> = { 'x-mq-version': MQ_VERSION };

export class RequestSigner {
  private readonly dates = new HttpDateCache();
  /**
   * Signing key of the secret last signed with (its HMAC key blocks hashed once, see
   * protocol/hmac-sha1.ts). One per client (never module-global), and re-created when a
   * credentials provider rotates the secret.
   */
  private signingSecret: string | undefined;
  private signingKey: SigningKey | undefined;

  constructor(private readonly userAgent: string) {}

  /** The flat `[name, value, …]` list undici takes, with the Date, MD5 and Authorization of this request. */
  headers(creds: MQCredentials, method: Method, target: string, body: Buffer | null): string[] {
    const date = this.dates.current();
    const md5 = body === null ? undefined : contentMd5(body);
    const signature = signWithKey(this.keyFor(creds.accessKeySecret), {
      method,
      contentMd5: md5,
      contentType: XML_CONTENT_TYPE,
      date,
      headers: SIGNED_MQ_HEADERS,
      resource: target,
    });
    const headers = [
      'date',
      date,
      'x-mq-version',
      MQ_VERSION,
      'content-type',
      XML_CONTENT_TYPE,
      'authorization',
      authorizationHeader(creds.accessKeyId, signature),
      'user-agent',
      this.userAgent,
    ];
    if (md5 !== undefined) headers.push('content-md5', md5);
    if (creds.securityToken) headers.push('security-token', creds.securityToken);
    return headers;
  }

  private keyFor(secret: string): SigningKey {
    if (secret !== this.signingSecret || this.signingKey === undefined) {
      this.signingKey = createSigningKey(secret);
      this.signingSecret = secret;
    }
    return this.signingKey;
  }
}
