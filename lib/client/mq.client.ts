/**
 * Typed client of the Alibaba Cloud MQ (RocketMQ 4.x) HTTP protocol. No Nest import.
 *
 * This file is the public API: each call checks its arguments, builds its request-target and body,
 * hands them to the client's RequestSender (credentials, signature, deadline, transport) and
 * decodes the answer. Option resolution is in call.options.ts, the pools in client.pools.ts.
 *
 * Hot-path notes: per-client constants (origin, user agent, signed x-mq headers, topic paths) are
 * computed once; a request is a handful of string concatenations, one HMAC, one MD5 for bodies and
 * a flat header array handed to undici's dispatcher. No URL parsing, no regexes, no JSON.
 */
import type { Pool } from 'undici';
import { MQ_LIMITS, buildReceiptHandles } from '../protocol/index.js';
import {
  callInstanceId,
  callTimeout,
  consumeBatchSize,
  consumeEncodedTag,
  consumeWaitSeconds,
} from './call.options.js';
import { closePools, createPools } from './client.pools.js';
import { checkCredentialsSource, resolveClientOptions, resolveEndpoint } from './client.options.js';
import type { ResolvedClientOptions } from './client.options.js';
import {
  checkGroup,
  checkHandle,
  CALL_OPTION_KEYS,
  CONSUME_OPTION_KEYS,
  checkCallOptions,
  checkReceiptHandles,
  checkTopic,
} from './client.validation.js';
import {
  PROBE_GROUP,
  PROBE_HANDLE,
  PROBE_TOPIC,
  runConnectionCheck,
  type MQConnectionCheck,
} from './connection.check.js';
import { DeadlineWatch } from './deadline.watch.js';
import { encodePublish } from './publish.encoder.js';
import { RequestSender } from './request.sender.js';
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

export class MQClient {
  /** `scheme://host[:port]`, trailing slashes stripped. */
  readonly endpoint: string;
  private readonly options: ResolvedClientOptions;
  /** publish / ack / commit / rollback: short calls that must never queue behind long polls. */
  private readonly pool: Pool;
  /** consume: each long poll holds a socket for up to 30 s. */
  private readonly pollPool: Pool;
  /** Whole-call deadlines of every request of both pools (one timer for all). */
  private readonly deadlines = new DeadlineWatch();
  private readonly sender: RequestSender;
  private readonly topicPaths = new TopicPathCache(checkTopic);
  private closing: Promise<void> | undefined;

  constructor(
    endpoint: string,
    credentials: MQCredentials | MQCredentialsProvider,
    options?: MQClientOptions,
  ) {
    this.endpoint = resolveEndpoint(endpoint);
    const source = checkCredentialsSource(credentials);
    this.options = resolveClientOptions(options);
    this.sender = new RequestSender(source, this.options.userAgent, this.deadlines);
    const pools = createPools(this.endpoint, this.options);
    this.pool = pools.pool;
    this.pollPool = pools.pollPool;
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
    const ns = callInstanceId(options, this.options.instanceId);
    const encoded = encodePublish(input, this.options.clock);
    const target = publishTarget(path, ns);
    checkRequestLine('POST', target);
    const operation = 'publish to topic ' + topic;
    const res = await this.sender.exchange(
      this.pool,
      'POST',
      target,
      encoded.xml,
      callTimeout(options, this.options.requestTimeoutMs),
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
    if (this.closing === undefined) {
      this.sender.close();
      this.closing = this.shutdown();
    }
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await closePools(this.pool, this.pollPool, this.deadlines);
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
    const ns = callInstanceId(options, this.options.instanceId);
    const numOfMessages = consumeBatchSize(options);
    const waitSeconds = consumeWaitSeconds(options);
    const encodedTag = consumeEncodedTag(kind, options);
    const target = consumeTarget(path, group, ns, encodedTag, numOfMessages, waitSeconds, kind);
    checkRequestLine('GET', target);
    const operation = name + ' from topic ' + topic;
    const res = await this.sender.exchange(
      this.pollPool,
      'GET',
      target,
      null,
      callTimeout(options, waitSeconds * 1000 + this.options.longPollMarginMs),
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
    const ns = callInstanceId(options, this.options.instanceId);
    const target = ackTarget(path, group, ns, kind);
    checkRequestLine('DELETE', target);
    const operation = kind + ' on topic ' + topic;
    const res = await this.sender.exchange(
      this.pool,
      'DELETE',
      target,
      Buffer.from(buildReceiptHandles(handles), 'utf8'),
      callTimeout(options, this.options.requestTimeoutMs),
      options?.signal,
      operation,
    );
    return decodeAck(res, operation, handles);
  }

  private assertOpen(): void {
    this.sender.assertOpen();
  }

  private topicPath(topic: string): string {
    return this.topicPaths.get(topic);
  }
}
