/**
 * Typed client of the service's older (2017) ONS HTTP API: `POST|GET|DELETE {endpoint}/message/`,
 * signed with `Signature` / `AccessKey` headers (the Python samples' `calSignature`). No Nest import.
 *
 * Built from the MQ client's parts: the same undici transport (one pool: this API has no long
 * poll), credentials checks, error classes and signing key cache. Every call has a whole-call
 * deadline and takes an AbortSignal; arguments are checked before anything is sent.
 */
import { Pool } from 'undici';
import { createSigningKey, type SigningKey } from '../../protocol/index.js';
import {
  ONS_LIMITS,
  onsBodyMd5Hex,
  onsConsumeStringToSign,
  onsDeleteStringToSign,
  onsPublishStringToSign,
  onsSign,
} from '../../protocol/ons/index.js';
import { withDeadline } from '../call.deadline.js';
import { poolOptions } from '../client.pools.js';
import { MQInvalidArgumentError } from '../client.errors.js';
import { checkCredentials, checkCredentialsSource, resolveEndpoint } from '../client.options.js';
import type { MQCredentials, MQCredentialsProvider } from '../client.types.js';
import { checkIntRange, checkTopic } from '../client.validation.js';
import { send } from '../http.transport.js';
import type { RawResponse } from '../http.transport.js';
import { decodeConsume, decodeDelete, decodePublish } from './ons.decoder.js';
import {
  checkOnsCallOptions,
  ONS_CALL_OPTION_KEYS,
  ONS_CONSUME_OPTION_KEYS,
  positiveInt,
  resolveOnsOptions,
} from './ons.options.js';
import type { ResolvedOnsOptions } from './ons.options.js';
import {
  checkMsgHandle,
  checkOnsId,
  consumeTarget,
  deleteTarget,
  encodePublish,
  publishTarget,
} from './ons.request.js';
import type {
  OnsCallOptions,
  OnsConsumeOptions,
  OnsHttpClientOptions,
  OnsPublishInput,
  OnsPublishResult,
  OnsReceivedMessage,
} from './ons.types.js';

type Method = 'GET' | 'POST' | 'DELETE';

/** The samples send this one; the server ignores the content type. */
const PUBLISH_CONTENT_TYPE = 'text/plain;charset=UTF-8';

export class OnsHttpClient {
  /** `scheme://host[:port]`, trailing slashes stripped. */
  readonly endpoint: string;
  private readonly options: ResolvedOnsOptions;
  private readonly staticCredentials: MQCredentials | undefined;
  private readonly provider: MQCredentialsProvider | undefined;
  private readonly pool: Pool;
  private closing: Promise<void> | undefined;
  private signingSecret: string | undefined;
  private signingKey: SigningKey | undefined;

  constructor(
    endpoint: string,
    credentials: MQCredentials | MQCredentialsProvider,
    options?: OnsHttpClientOptions,
  ) {
    this.endpoint = resolveEndpoint(endpoint, 'http://publictest-rest.ons.aliyun.com');
    const source = checkCredentialsSource(credentials);
    if (typeof source === 'function') this.provider = source;
    else this.staticCredentials = { ...checkOnsCredentials(source, 'credentials') };
    this.options = resolveOnsOptions(options);
    const o = this.options;
    this.pool = new Pool(this.endpoint, { ...poolOptions(o), connections: o.connections });
  }

  /** Publishes one message (`ProducerID` = the producer group). */
  async publish(
    topic: string,
    producerId: string,
    input: OnsPublishInput,
    options?: OnsCallOptions,
  ): Promise<OnsPublishResult> {
    this.assertOpen();
    checkTopic(topic);
    checkOnsId(producerId, 'producerId');
    checkOnsCallOptions(options, ONS_CALL_OPTION_KEYS);
    const encoded = encodePublish(input);
    const md5 = onsBodyMd5Hex(encoded.body);
    const operation = 'publish to topic ' + topic;
    const res = await this.call(options, operation, (time) => ({
      method: 'POST',
      target: publishTarget(topic, time, encoded.querySuffix),
      stringToSign: onsPublishStringToSign(topic, producerId, md5, time),
      headers: ['ProducerID', producerId, 'Content-Type', PUBLISH_CONTENT_TYPE, ...encoded.headers],
      body: encoded.body,
    }));
    return decodePublish(res, operation);
  }

  /** Takes up to `num` (default 32) messages; [] when there is none (no long poll). */
  async consume(
    topic: string,
    consumerId: string,
    options?: OnsConsumeOptions,
  ): Promise<OnsReceivedMessage[]> {
    this.assertOpen();
    checkTopic(topic);
    checkOnsId(consumerId, 'consumerId');
    checkOnsCallOptions(options, ONS_CONSUME_OPTION_KEYS);
    const num =
      options?.num === undefined
        ? ONS_LIMITS.maxNum
        : checkIntRange(options.num, 'num', ONS_LIMITS.minNum, ONS_LIMITS.maxNum);
    const operation = 'consume from topic ' + topic;
    const res = await this.call(options, operation, (time) => ({
      method: 'GET',
      target: consumeTarget(topic, time, num),
      stringToSign: onsConsumeStringToSign(topic, consumerId, time),
      headers: ['ConsumerID', consumerId],
      body: null,
    }));
    return decodeConsume(res, operation);
  }

  /** Deletes a consumed message (its `msgHandle`) so that it is not delivered again. */
  async delete(
    topic: string,
    consumerId: string,
    msgHandle: string,
    options?: OnsCallOptions,
  ): Promise<void> {
    this.assertOpen();
    checkTopic(topic);
    checkOnsId(consumerId, 'consumerId');
    checkMsgHandle(msgHandle);
    checkOnsCallOptions(options, ONS_CALL_OPTION_KEYS);
    const operation = 'delete on topic ' + topic;
    const res = await this.call(options, operation, (time) => ({
      method: 'DELETE',
      target: deleteTarget(msgHandle, topic, time),
      stringToSign: onsDeleteStringToSign(topic, consumerId, msgHandle, time),
      headers: ['ConsumerID', consumerId],
      body: null,
    }));
    decodeDelete(res, operation);
  }

  /**
   * Closes the pool: pending calls finish (bounded by their deadline); later calls reject with
   * MQInvalidArgumentError.
   */
  close(): Promise<void> {
    this.closing ??= this.pool.close();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) {
      throw new MQInvalidArgumentError('client', 'is closed; create a new OnsHttpClient');
    }
  }

  /**
   * One signed exchange within the call's deadline. `build` runs once the credentials are known,
   * with the `time` to sign (epoch ms, taken as late as possible: the server allows little skew).
   */
  private call(
    options: OnsCallOptions | undefined,
    operation: string,
    build: (time: string) => {
      method: Method;
      target: string;
      stringToSign: string;
      headers: string[];
      body: Buffer | null;
    },
  ): Promise<RawResponse> {
    const timeoutMs =
      options?.timeoutMs === undefined
        ? this.options.requestTimeoutMs
        : positiveInt(options.timeoutMs, 'options.timeoutMs', 0);
    return withDeadline(timeoutMs, options?.signal, operation, async (signal) => {
      const creds = this.staticCredentials ?? (await this.provided());
      // The provider may have awaited across close().
      this.assertOpen();
      const request = build(String(Date.now()));
      const signature = onsSign(this.keyFor(creds.accessKeySecret), request.stringToSign);
      const headers = [
        'Signature',
        signature,
        'AccessKey',
        creds.accessKeyId,
        'User-Agent',
        this.options.userAgent,
        ...request.headers,
      ];
      return send(this.pool, {
        method: request.method,
        path: request.target,
        headers,
        body: request.body,
        timeoutMs,
        signal,
        operation,
      });
    });
  }

  private async provided(): Promise<MQCredentials> {
    return checkOnsCredentials(await (this.provider as MQCredentialsProvider)(), 'credentials()');
  }

  private keyFor(secret: string): SigningKey {
    if (secret !== this.signingSecret || this.signingKey === undefined) {
      this.signingKey = createSigningKey(secret);
      this.signingSecret = secret;
    }
    return this.signingKey;
  }
}

/** The old API has no header for an STS token: refuse one rather than drop it silently. */
function checkOnsCredentials(creds: unknown, argument: string): MQCredentials {
  const c = checkCredentials(creds, argument);
  if (c.securityToken !== undefined && c.securityToken !== '') {
    throw new MQInvalidArgumentError(
      `${argument}.securityToken`,
      'is not supported by the ONS HTTP API (it has no security-token header)',
    );
  }
  return c;
}
