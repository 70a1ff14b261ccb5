/**
 * The metadata of every RocketMQ 5 call: protocol, client id, request id, language and version,
 * namespace, and the `MQv2-HMAC-SHA1` authorization over `x-mq-date-time`. The date has one-second
 * resolution, so the date string and its signature are computed once per second (per credentials).
 */
import { randomBytes } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { checkCredentials } from '../client/client.options.js';
import type { MQCredentials, MQCredentialsProvider } from '../client/client.types.js';
import { CLIENT_VERSION } from '../client/client.version.js';
import {
  MQ_GRPC_HEADER,
  buildAuthorization,
  formatRequestDateTime,
} from '../protocol-grpc/grpc.auth.js';

/**
 * `x-mq-language`. The proxy parses it with Java's `LanguageCode.valueOf`; proxies older than the
 * NODE_JS constant reject that name, so Node clients send HTTP (as rocketmq-client-nodejs does).
 * The settings' user agent says NODE_JS.
 */
const LANGUAGE = 'HTTP';

export class RequestMetadata {
  private second = -1;
  private dateTime = '';
  private authorization = '';
  private signedWith: MQCredentials | undefined;
  /** Request ids: a per-process random prefix and a counter (unique, cheaper than a UUID). */
  private readonly requestPrefix = randomBytes(6).toString('hex') + '-';
  private requestSeq = 0;
  private readonly fixed: MQCredentials | undefined;
  private readonly provider: MQCredentialsProvider | undefined;

  constructor(
    credentials: MQCredentials | MQCredentialsProvider,
    private readonly namespace: string,
    private readonly now: () => number = Date.now,
  ) {
    if (typeof credentials === 'function') this.provider = credentials;
    else this.fixed = checkCredentials(credentials);
  }

  nextRequestId(): string {
    return this.requestPrefix + (this.requestSeq++).toString(36);
  }

  /** Metadata of one call (a promise only when credentials come from a provider). */
  build(clientId: string, requestId: string): Metadata | Promise<Metadata> {
    if (this.fixed !== undefined) return this.assemble(this.fixed, clientId, requestId);
    return Promise.resolve(this.provider!()).then((credentials) =>
      this.assemble(checkCredentials(credentials, 'credentials()'), clientId, requestId),
    );
  }

  private assemble(credentials: MQCredentials, clientId: string, requestId: string): Metadata {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second || credentials !== this.signedWith) {
      this.second = second;
      this.signedWith = credentials;
      this.dateTime = formatRequestDateTime(new Date(second * 1000));
      this.authorization = buildAuthorization(
        credentials.accessKeyId,
        credentials.accessKeySecret,
        this.dateTime,
      );
    }
    const metadata = new Metadata();
    metadata.set(MQ_GRPC_HEADER.protocol, 'v2');
    metadata.set(MQ_GRPC_HEADER.clientId, clientId);
    metadata.set(MQ_GRPC_HEADER.requestId, requestId);
    metadata.set(MQ_GRPC_HEADER.language, LANGUAGE);
    metadata.set(MQ_GRPC_HEADER.clientVersion, CLIENT_VERSION);
    metadata.set(MQ_GRPC_HEADER.dateTime, this.dateTime);
    metadata.set(MQ_GRPC_HEADER.authorization, this.authorization);
    if (this.namespace.length > 0) metadata.set(MQ_GRPC_HEADER.namespace, this.namespace);
    if (credentials.securityToken) {
      metadata.set(MQ_GRPC_HEADER.sessionToken, credentials.securityToken);
    }
    return metadata;
  }
}
