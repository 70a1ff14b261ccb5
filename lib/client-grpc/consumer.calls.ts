/**
 * ReceiveMessage, AckMessage and ChangeInvisibleDuration of a simple consumer. A group's first
 * receive registers the group's session (Telemetry settings with its subscriptions): the proxy
 * reads the group's FIFO flag and retry policy from them on every receive.
 */
import type { MQAckFailure, MQAckResult, MQReceivedMessage } from '../client/client.types.js';
import { MQProtocolError } from '../client/client.errors.js';
import { ROCKETMQ5_PROXY_DEFAULTS } from '../protocol-grpc/grpc.limits.js';
import { codeName, isSuccessCode } from '../protocol-grpc/grpc.status.js';
import { msToDuration } from '../protocol-grpc/grpc.time.js';
import type {
  AckMessageResponse,
  ChangeInvisibleDurationResponse,
  Message,
  ReceiveMessageResponse,
  Status,
} from '../protocol-grpc/grpc.types.js';
import type { ClientCore } from './client.core.js';
import { serviceError, statusCodeName } from './grpc.errors.js';
import { checkGrpcGroup, checkGrpcTopic, tagExpression } from './grpc.validation.js';
import { decodeMessage } from './message.codec.js';
import type { CallOptions } from './producer.calls.js';

export interface ReceiveRequest {
  topic: string;
  group: string;
  /** Most messages (the proxy's batch limit applies). */
  max: number;
  /** Long-polling time (the proxy clamps it, by default to 5-20 s). */
  waitMs: number;
  tags?: readonly string[];
  /** How long the messages stay invisible to other consumers (clamped to 10 s – 12 h). */
  invisibleMs: number;
  signal?: AbortSignal;
}

export interface AckEntry {
  messageId: string;
  receiptHandle: string;
}

/** Shortest long poll a proxy holds: a shorter one is raised to it, so the deadline must allow it. */
const MIN_POLL_MS = ROCKETMQ5_PROXY_DEFAULTS.minLongPollingMs;
/** A message whose body fails its digest comes back after this (the protocol says: at once). */
const CORRUPTED_REDELIVERY_MS = 1_000;

const checkedNames = new Set<string>();

function checkNames(topic: string, group: string): void {
  const key = topic + '\n' + group;
  if (checkedNames.has(key)) return;
  checkGrpcTopic(topic);
  checkGrpcGroup(group);
  if (checkedNames.size < 10_000) checkedNames.add(key);
}

export function clampInvisibleMs(ms: number): number {
  if (!(ms >= ROCKETMQ5_PROXY_DEFAULTS.minReceiveInvisibleMs))
    return ROCKETMQ5_PROXY_DEFAULTS.minReceiveInvisibleMs;
  return Math.min(Math.floor(ms), ROCKETMQ5_PROXY_DEFAULTS.maxInvisibleMs);
}

export async function receiveMessages(
  core: ClientCore,
  request: ReceiveRequest,
): Promise<MQReceivedMessage[]> {
  core.assertOpen();
  const { topic, group } = request;
  checkNames(topic, group);
  const expression = tagExpression(request.tags);
  const session = core.consumer(group);
  session.addTopic(topic, expression);
  await session.ready(request.signal);
  const routed = core.route(topic);
  const route = routed instanceof Promise ? await routed : routed;
  const invisibleMs = clampInvisibleMs(request.invisibleMs);
  const waitMs = Math.max(0, Math.floor(request.waitMs));
  const ns = core.options.namespace;
  const ctx = core.channel.context('ReceiveMessage');
  const frames = await core.channel.serverStream<object, ReceiveMessageResponse>(
    'ReceiveMessage',
    {
      group: { name: group, resourceNamespace: ns },
      messageQueue: route.nextReadable(),
      filterExpression: { type: 'TAG', expression },
      batchSize: request.max,
      invisibleDuration: msToDuration(invisibleMs),
      autoRenew: false,
      longPollingTimeout: msToDuration(waitMs),
    },
    ctx,
    {
      clientId: session.clientId,
      timeoutMs: Math.max(waitMs, MIN_POLL_MS) + core.options.longPollMarginMs,
      signal: request.signal,
    },
  );
  let status: Status | null | undefined;
  let messages: Message[] | undefined;
  for (const frame of frames) {
    if (frame.status) status = frame.status;
    else if (frame.message) (messages ??= []).push(frame.message);
  }
  if (status !== undefined && status !== null && !isSuccessCode(status.code))
    throw serviceError(status, ctx);
  if (messages === undefined) {
    if (status === undefined || status === null) {
      throw new MQProtocolError({
        message: 'ReceiveMessage ended without a status or a message',
        status: 0,
        snippet: '',
        requestId: ctx.requestId,
        retryable: true,
      });
    }
    return [];
  }
  const receivedAt = Date.now();
  const out: MQReceivedMessage[] = [];
  for (const message of messages) {
    const decoded = decodeMessage(message, receivedAt, invisibleMs, core.options.verifyDigest);
    if (decoded !== undefined) {
      out.push(decoded);
      continue;
    }
    const id = message.systemProperties?.messageId ?? '?';
    core.options.logger.warn(
      `RocketMQ 5: message ${id} on ${topic} @ ${group} does not match its body digest; handed back for redelivery`,
    );
    const handle = message.systemProperties?.receiptHandle;
    if (handle) {
      changeInvisibleDuration(core, topic, group, id, handle, CORRUPTED_REDELIVERY_MS).catch(
        () => undefined,
      );
    }
  }
  return out;
}

export async function ackMessages(
  core: ClientCore,
  topic: string,
  group: string,
  entries: readonly AckEntry[],
  /** `clientId`: the session to send as (default the group's consumer). */
  options: CallOptions & { clientId?: string } = {},
): Promise<MQAckResult> {
  core.assertOpen();
  checkNames(topic, group);
  const ns = core.options.namespace;
  const ctx = core.channel.context('AckMessage');
  const response = await core.channel.unary<object, AckMessageResponse>(
    'AckMessage',
    {
      group: { name: group, resourceNamespace: ns },
      topic: { name: topic, resourceNamespace: ns },
      entries,
    },
    ctx,
    {
      clientId: options.clientId ?? core.consumer(group).clientId,
      timeoutMs: core.options.requestTimeoutMs,
      signal: options.signal,
    },
  );
  const results = response.entries ?? [];
  if (results.length === 0) {
    // No per-entry answer: the status speaks for the whole request.
    if (!isSuccessCode(response.status?.code)) throw serviceError(response.status, ctx);
    return { acked: entries.map((e) => e.receiptHandle), failed: [], requestId: ctx.requestId };
  }
  const acked: string[] = [];
  const failed: MQAckFailure[] = [];
  const byHandle = new Map<string, Status | null | undefined>();
  for (const result of results) byHandle.set(result.receiptHandle ?? '', result.status);
  for (const entry of entries) {
    const entryStatus = byHandle.has(entry.receiptHandle)
      ? byHandle.get(entry.receiptHandle)
      : response.status;
    if (isSuccessCode(entryStatus?.code) && codeName(entryStatus?.code) !== 'MESSAGE_NOT_FOUND') {
      acked.push(entry.receiptHandle);
    } else {
      failed.push({
        receiptHandle: entry.receiptHandle,
        code: statusCodeName(entryStatus),
        message: entryStatus?.message || 'not acknowledged',
      });
    }
  }
  return { acked, failed, requestId: ctx.requestId };
}

/** Makes a received message visible again after `invisibleMs`; resolves its new receipt handle. */
export async function changeInvisibleDuration(
  core: ClientCore,
  topic: string,
  group: string,
  messageId: string,
  receiptHandle: string,
  invisibleMs: number,
  options: CallOptions = {},
): Promise<string> {
  core.assertOpen();
  checkNames(topic, group);
  const ns = core.options.namespace;
  const ctx = core.channel.context('ChangeInvisibleDuration');
  const response = await core.channel.unary<object, ChangeInvisibleDurationResponse>(
    'ChangeInvisibleDuration',
    {
      group: { name: group, resourceNamespace: ns },
      topic: { name: topic, resourceNamespace: ns },
      receiptHandle,
      invisibleDuration: msToDuration(
        Math.max(0, Math.min(invisibleMs, ROCKETMQ5_PROXY_DEFAULTS.maxInvisibleMs)),
      ),
      messageId,
    },
    ctx,
    {
      clientId: core.consumer(group).clientId,
      timeoutMs: core.options.requestTimeoutMs,
      signal: options.signal,
    },
  );
  if (!isSuccessCode(response.status?.code)) throw serviceError(response.status, ctx);
  return response.receiptHandle ?? '';
}
