/**
 * Typed client of the Alibaba Cloud MQ (RocketMQ 4.x) HTTP protocol. No Nest import.
 *
 * Hot-path notes: per-client constants (origin, user agent, signed x-mq headers, topic paths) are
 * computed once; a request is a handful of string concatenations, one HMAC, one MD5 for bodies and
 * a flat header array handed to undici's dispatcher. No URL parsing, no regexes, no JSON.
 */
import { Pool } from 'undici';
import {
  MQ_LIMITS,
  MQ_VERSION,
  XML_CONTENT_TYPE,
  authorizationHeader,
  buildReceiptHandles,
  contentMd5,
  createSigningKey,
  signWithKey,
  type SigningKey,
} from '../protocol/index.js';
import { MQAbortError, MQInvalidArgumentError, MQTimeoutError } from './client.errors.js';
import {
  checkCredentials,
  checkCredentialsSource,
  checkInstanceId,
  resolveClientOptions,
  resolveEndpoint,
} from './client.options.js';
import type { ResolvedClientOptions } from './client.options.js';
import {
  checkGroup,
  checkHandle,
  checkIntRange,
  CALL_OPTION_KEYS,
  CONSUME_OPTION_KEYS,
  checkCallOptions,
  checkReceiptHandles,
  checkTimeout,
  checkTopic,
  consumeTagExpression,
} from './client.validation.js';
import {
  PROBE_GROUP,
  PROBE_HANDLE,
  PROBE_TOPIC,
  runConnectionCheck,
  type MQConnectionCheck,
} from './connection.check.js';
import { DeadlineEntry, DeadlineWatch } from './deadline.watch.js';
import { HttpDateCache } from './http-date.cache.js';
import { send, untilAborted } from './http.transport.js';
import type { RawResponse } from './http.transport.js';
import { encodePublish } from './publish.encoder.js';
import {
  TopicPathCache,
  ackTarget,
  checkRequestLine,
  consumeTarget,
  publishTarget,
} from './request.target.js';
import type { AckKind, ConsumeKind } from './request.target.js';
import { decodeAck, decodeConsume, decodePublish } from './response.decoder.js';
import type {
  MQAckResult,
  MQCallOptions,
  MQClientOptions,
  MQConsumeOptions,
  MQCredentials,
  MQCredentialsProvider,
  MQPublishInput,
  MQPublishResult,
  MQReceivedMessage,
} from './client.types.js';

type Method = 'GET' | 'POST' | 'DELETE';

/** The only `x-mq-*` header we send; handed to the signer as is. */
const SIGNED_MQ_HEADERS: Record<string, string> = { 'x-mq-version': MQ_VERSION };

/**
 * After close(), how long past the last in-flight call's deadline the publish pool may take to
 * wind down before it is destroyed (the watch has already settled every call by then).
 */
const CLOSE_GRACE_MS = 100;

export class MQClient {
  /** `scheme://host[:port]`, trailing slashes stripped. */
  readonly endpoint: string;
  private readonly options: ResolvedClientOptions;
  private readonly staticCredentials: MQCredentials | undefined;
  private readonly provider: MQCredentialsProvider | undefined;
  /** publish / ack / commit / rollback: short calls that must never queue behind long polls. */
  private readonly pool: Pool;
  /** consume: each long poll holds a socket for up to 30 s. */
  private readonly pollPool: Pool;
  private readonly dates = new HttpDateCache();
  /** Whole-call deadlines of every request of both pools (one timer for all). */
  private readonly deadlines = new DeadlineWatch();
  private readonly topicPaths = new TopicPathCache(checkTopic);
  private closing: Promise<void> | undefined;
  /**
   * Signing key of the secret last signed with (its HMAC key blocks hashed once, see
   * protocol/hmac-sha1.ts). One per client (never module-global), and re-created when a
   * credentials provider rotates the secret.
   */
  private signingSecret: string | undefined;
  private signingKey: SigningKey | undefined;

  constructor(
    endpoint: string,
    credentials: MQCredentials | MQCredentialsProvider,
    options?: MQClientOptions,
  ) {
    this.endpoint = resolveEndpoint(endpoint);
    const source = checkCredentialsSource(credentials);
    if (typeof source === 'function') this.provider = source;
    else this.staticCredentials = { ...source };
    this.options = resolveClientOptions(options);
    const o = this.options;
    const common = {
      pipelining: 1,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      // Never keep an idle socket longer than asked, whatever the server's Keep-Alive hint says.
      keepAliveMaxTimeout: o.keepAliveTimeoutMs,
      connect: { timeout: o.requestTimeoutMs },
      headersTimeout: o.requestTimeoutMs,
      bodyTimeout: o.requestTimeoutMs,
    };
    this.pool = new Pool(this.endpoint, { ...common, connections: o.connections });
    this.pollPool = new Pool(this.endpoint, { ...common, connections: o.pollConnections });
  }

  /** Publishes one message (normal, timer, ordered or transactional half message). */
  async publish(
    topic: string,
    input: MQPublishInput,
    options?: MQCallOptions,
  ): Promise<MQPublishResult> {
    this.assertOpen();
    checkCallOptions(options, CALL_OPTION_KEYS);
    const path = this.topicPath(topic);
    const ns = this.instanceId(options);
    const encoded = encodePublish(input, this.options.clock);
    const target = publishTarget(path, ns);
    checkRequestLine('POST', target);
    const operation = 'publish to topic ' + topic;
    const res = await this.exchange(
      this.pool,
      'POST',
      target,
      encoded.xml,
      this.timeoutOf(options, this.options.requestTimeoutMs),
      options?.signal,
      operation,
    );
    return decodePublish(res, operation, encoded.body, this.options.verifyMd5);
  }

  /** Receives up to `numOfMessages` messages; `[]` when none arrived within `waitSeconds`. */
  consume(topic: string, group: string, options?: MQConsumeOptions): Promise<MQReceivedMessage[]> {
    return this.consumeKind('normal', 'consume', topic, group, options);
  }

  /** Orderly consume (`trans=order`): a sharding key stays blocked until its batch is acked. */
  consumeOrderly(
    topic: string,
    group: string,
    options?: MQConsumeOptions,
  ): Promise<MQReceivedMessage[]> {
    return this.consumeKind('order', 'consumeOrderly', topic, group, options);
  }

  /** Transaction check (`trans=pop`): half messages whose check immunity has passed. */
  consumeHalf(
    topic: string,
    group: string,
    options?: MQConsumeOptions,
  ): Promise<MQReceivedMessage[]> {
    return this.consumeKind('pop', 'consumeHalf', topic, group, options);
  }

  /** Acks 1–16 deliveries. Rejected handles come back in `failed`; this never throws for them. */
  async ack(
    topic: string,
    group: string,
    receiptHandles: string[],
    options?: MQCallOptions,
  ): Promise<MQAckResult> {
    this.assertOpen();
    checkCallOptions(options, CALL_OPTION_KEYS);
    const handles = checkReceiptHandles(receiptHandles, MQ_LIMITS.maxHandlesPerAck);
    return this.deleteHandles('ack', topic, group, handles, options);
  }

  /** Commits a transactional half message (handle from publish or from consumeHalf). */
  async commit(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQCallOptions,
  ): Promise<MQAckResult> {
    this.assertOpen();
    checkCallOptions(options, CALL_OPTION_KEYS);
    const handle = checkHandle(receiptHandle, 'receiptHandle');
    return this.deleteHandles('commit', topic, group, [handle], options);
  }

  /** Rolls back a transactional half message. */
  async rollback(
    topic: string,
    group: string,
    receiptHandle: string,
    options?: MQCallOptions,
  ): Promise<MQAckResult> {
    this.assertOpen();
    checkCallOptions(options, CALL_OPTION_KEYS);
    const handle = checkHandle(receiptHandle, 'receiptHandle');
    return this.deleteHandles('rollback', topic, group, [handle], options);
  }

  /**
   * Checks, with one request that changes nothing, that the endpoint is the MQ HTTP service and
   * accepts the credentials (see connection.check.ts). Resolves with the service's answer;
   * rejects with `MQServiceError` when the service refuses the credentials, signature or Date
   * (`InvalidAccessKeyId`, `SignatureDoesNotMatch`, `TimeExpired`, …), `MQNetworkError` /
   * `MQTimeoutError` when it cannot be reached within `requestTimeoutMs`, `MQProtocolError` when
   * something else answered; a retryable service error (5xx, throttling) proves nothing and is
   * passed on too.
   */
  checkConnection(options?: MQCallOptions): Promise<MQConnectionCheck> {
    this.assertOpen();
    checkCallOptions(options, CALL_OPTION_KEYS);
    return runConnectionCheck(
      (call) => this.deleteHandles('ack', PROBE_TOPIC, PROBE_GROUP, [PROBE_HANDLE], call),
      this.options.requestTimeoutMs,
      options,
    );
  }

  /**
   * Closes both pools. Pending polls are cut at once and reject with MQAbortError. Pending
   * publishes, acks, commits and rollbacks may finish, each until its own deadline at the latest
   * (it rejects with MQTimeoutError then), so close() is bounded whatever the server does. Later
   * calls reject with MQInvalidArgumentError.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const polls = this.pollPool
      .destroy(new MQAbortError('consume: client closed while the poll was pending'))
      .catch(() => undefined);
    const cutoffAt = (this.deadlines.latestDeadline() ?? performance.now()) + CLOSE_GRACE_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = await Promise.race([
      this.pool.close().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, cutoffAt - performance.now()), false);
      }),
    ]);
    clearTimeout(timer);
    // Past every deadline: what undici still holds (e.g. a request queued behind a stalled
    // socket, already settled by its deadline) goes with the pool.
    if (!closed) {
      await this.pool
        .destroy(new MQAbortError('client closed past the last call deadline'))
        .catch(() => undefined);
    }
    await polls;
    this.deadlines.stop();
  }

  private async consumeKind(
    kind: ConsumeKind,
    name: string,
    topic: string,
    group: string,
    options: MQConsumeOptions | undefined,
  ): Promise<MQReceivedMessage[]> {
    this.assertOpen();
    checkCallOptions(options, CONSUME_OPTION_KEYS);
    const path = this.topicPath(topic);
    checkGroup(group);
    const ns = this.instanceId(options);
    const numOfMessages =
      options?.numOfMessages === undefined
        ? MQ_LIMITS.maxNumOfMessages
        : checkIntRange(
            options.numOfMessages,
            'numOfMessages',
            MQ_LIMITS.minNumOfMessages,
            MQ_LIMITS.maxNumOfMessages,
          );
    const waitSeconds =
      options?.waitSeconds === undefined
        ? 0
        : checkIntRange(options.waitSeconds, 'waitSeconds', 0, MQ_LIMITS.maxWaitSeconds);
    let encodedTag: string | undefined;
    if (kind === 'pop') {
      if (options?.tag !== undefined && options.tag.length !== 0) {
        throw new MQInvalidArgumentError('tag', 'consumeHalf does not filter by tag');
      }
    } else {
      const expression = consumeTagExpression(options?.tag);
      if (expression !== undefined) encodedTag = encodeURIComponent(expression);
    }
    const target = consumeTarget(path, group, ns, encodedTag, numOfMessages, waitSeconds, kind);
    checkRequestLine('GET', target);
    const operation = name + ' from topic ' + topic;
    const res = await this.exchange(
      this.pollPool,
      'GET',
      target,
      null,
      this.timeoutOf(options, waitSeconds * 1000 + this.options.longPollMarginMs),
      options?.signal,
      operation,
    );
    return decodeConsume(res, operation, this.options.verifyMd5);
  }

  private async deleteHandles(
    kind: AckKind,
    topic: string,
    group: string,
    handles: string[],
    options: MQCallOptions | undefined,
  ): Promise<MQAckResult> {
    const path = this.topicPath(topic);
    checkGroup(group);
    const ns = this.instanceId(options);
    const target = ackTarget(path, group, ns, kind);
    checkRequestLine('DELETE', target);
    const operation = kind + ' on topic ' + topic;
    const res = await this.exchange(
      this.pool,
      'DELETE',
      target,
      Buffer.from(buildReceiptHandles(handles), 'utf8'),
      this.timeoutOf(options, this.options.requestTimeoutMs),
      options?.signal,
      operation,
    );
    return decodeAck(res, operation, handles);
  }

  private assertOpen(): void {
    if (this.closing !== undefined) {
      throw new MQInvalidArgumentError('client', 'is closed; create a new MQClient');
    }
  }

  private topicPath(topic: string): string {
    return this.topicPaths.get(topic);
  }

  /** The call's deadline: the default of its kind, or the call's own `timeoutMs` if shorter. */
  private timeoutOf(options: MQCallOptions | undefined, dflt: number): number {
    const own = options?.timeoutMs;
    if (own === undefined) return dflt;
    const checked = checkTimeout(own, 'options.timeoutMs');
    return checked < dflt ? checked : dflt;
  }

  private instanceId(options: MQCallOptions | undefined): string {
    const perCall = options?.instanceId;
    return perCall === undefined
      ? this.options.instanceId
      : checkInstanceId(perCall, 'options.instanceId');
  }

  /** Credentials (sync fast path, awaited only when the provider returns a promise), sign, send. */
  private exchange(
    pool: Pool,
    method: Method,
    target: string,
    body: Buffer | null,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    operation: string,
  ): Promise<RawResponse> {
    const fixed = this.staticCredentials;
    if (fixed !== undefined) {
      return this.signAndSend(pool, fixed, method, target, body, timeoutMs, signal, operation);
    }
    const provided = (this.provider as MQCredentialsProvider)();
    if (provided != null && typeof (provided as Promise<MQCredentials>).then === 'function') {
      // The deadline covers the wait for credentials too (a provider fetching an STS token may
      // hang), and the caller's signal ends it as well; the request gets what is left of it.
      const startedAt = performance.now();
      const timely = this.credentialsWithin(
        provided as Promise<MQCredentials>,
        timeoutMs,
        operation,
      );
      const credentials = signal === undefined ? timely : untilAborted(timely, signal, operation);
      return credentials.then((c) =>
        this.signAndSend(
          pool,
          checkCredentials(c, 'credentials()'),
          method,
          target,
          body,
          Math.max(1, Math.ceil(timeoutMs - (performance.now() - startedAt))),
          signal,
          operation,
        ),
      );
    }
    return this.signAndSend(
      pool,
      checkCredentials(provided, 'credentials()'),
      method,
      target,
      body,
      timeoutMs,
      signal,
      operation,
    );
  }

  private credentialsWithin(
    provided: Promise<MQCredentials>,
    timeoutMs: number,
    operation: string,
  ): Promise<MQCredentials> {
    return new Promise<MQCredentials>((resolve, reject) => {
      const wait = new CredentialsWait(() =>
        reject(
          new MQTimeoutError(
            `${operation}: the credentials provider did not answer within ${timeoutMs} ms`,
          ),
        ),
      );
      this.deadlines.watch(wait, timeoutMs);
      provided.then(
        (c) => {
          this.deadlines.unwatch(wait);
          resolve(c);
        },
        (error: unknown) => {
          this.deadlines.unwatch(wait);
          reject(error);
        },
      );
    });
  }

  private keyFor(secret: string): SigningKey {
    if (secret !== this.signingSecret || this.signingKey === undefined) {
      this.signingKey = createSigningKey(secret);
      this.signingSecret = secret;
    }
    return this.signingKey;
  }

  private signAndSend(
    pool: Pool,
    creds: MQCredentials,
    method: Method,
    target: string,
    body: Buffer | null,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    operation: string,
  ): Promise<RawResponse> {
    // The provider may have awaited across close().
    this.assertOpen();
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
      this.options.userAgent,
    ];
    if (md5 !== undefined) headers.push('content-md5', md5);
    if (creds.securityToken) headers.push('security-token', creds.securityToken);
    return send(
      pool,
      {
        method,
        path: target,
        headers,
        body,
        timeoutMs,
        signal,
        operation,
        // Consumes only: see TransportRequest.completeOnAbort.
        completeOnAbort: method === 'GET',
      },
      this.deadlines,
    );
  }
}

/** A call waiting for an async credentials provider, under the call's deadline. */
class CredentialsWait extends DeadlineEntry {
  constructor(private readonly onExpire: () => void) {
    super();
  }

  expire(): void {
    this.onExpire();
  }
}
