/**
 * AckMessage, ChangeInvisibleDuration and ForwardMessageToDeadLetterQueue: settle one in-flight
 * delivery by its receipt handle. A handle that is not in flight for the group (unknown, expired,
 * superseded, already used) is INVALID_RECEIPT_HANDLE, per entry for acks.
 */
import {
  durationToMs,
  OK_STATUS,
  ROCKETMQ5_PROXY_DEFAULTS as PROXY,
  type AckMessageRequest,
  type AckMessageResponse,
  type AckMessageResultEntry,
  type ChangeInvisibleDurationRequest,
  type ChangeInvisibleDurationResponse,
  type ForwardMessageToDeadLetterQueueRequest,
  type ForwardMessageToDeadLetterQueueResponse,
  type RocketMQCode,
} from '../../protocol-grpc/index.js';
import { fail, handleStatus } from './grpc.errors.js';
import type { GrpcFront } from './grpc.front.js';
import type { RequestContext } from './request.context.js';
import { checkGroup, checkTopic } from './resource.rules.js';

/** Entries per AckMessage request (clients send one; a batch stays bounded). */
const MAX_ACK_ENTRIES = 1024;

export function ackMessage(
  front: GrpcFront,
  req: AckMessageRequest,
  rc: RequestContext,
): AckMessageResponse {
  const group = checkGroup(req.group);
  const topic = checkTopic(req.topic);
  const entries = req.entries ?? [];
  // The proxy's answer to an empty request.
  if (entries.length === 0) fail('INTERNAL_SERVER_ERROR', 'ack message result is empty');
  if (entries.length > MAX_ACK_ENTRIES)
    fail('BAD_REQUEST', `at most ${MAX_ACK_ENTRIES} entries per ack`);
  const handles = entries.map((e) => e.receiptHandle ?? '');
  const failed = new Map<string, string>();
  for (const item of front.broker.ack(rc.ns, topic, group, handles))
    failed.set(item.receiptHandle, item.code);
  const codes = new Set<RocketMQCode>();
  const results: AckMessageResultEntry[] = entries.map((e, i) => {
    const handle = handles[i]!;
    const error = failed.get(handle);
    const status = error === undefined ? OK_STATUS : handleStatus(error);
    if (error === undefined) front.held.settled(rc.clientId, handle);
    codes.add(status.code);
    return { messageId: e.messageId ?? '', receiptHandle: handle, status };
  });
  const only =
    codes.size === 1
      ? results[0]!.status!
      : { code: 'MULTIPLE_RESULTS' as const, message: 'MULTIPLE_RESULTS' };
  return { status: only, entries: results };
}

export function changeInvisibleDuration(
  front: GrpcFront,
  req: ChangeInvisibleDurationRequest,
  rc: RequestContext,
): ChangeInvisibleDurationResponse {
  const group = checkGroup(req.group);
  const topic = checkTopic(req.topic);
  // An absent duration reads as 0 ms, as protobuf defaults it for the proxy.
  const ms =
    req.invisibleDuration === null || req.invisibleDuration === undefined
      ? 0
      : durationToMs(req.invisibleDuration);
  if (ms === undefined || ms < 0)
    fail('ILLEGAL_INVISIBLE_TIME', 'the invisibleTime is too small. min is 0');
  if (ms > PROXY.maxInvisibleMs) {
    fail(
      'ILLEGAL_INVISIBLE_TIME',
      `the invisibleTime is too large. max is ${PROXY.maxInvisibleMs}`,
    );
  }
  const handle = req.receiptHandle ?? '';
  const result = front.broker.changeInvisibility(rc.ns, topic, group, handle, ms);
  if ('code' in result) {
    const st = handleStatus(result.code);
    fail(st.code, st.message);
  }
  front.held.settled(rc.clientId, handle);
  return { status: OK_STATUS, receiptHandle: result.receiptHandle };
}

export function forwardMessageToDeadLetterQueue(
  front: GrpcFront,
  req: ForwardMessageToDeadLetterQueueRequest,
  rc: RequestContext,
): ForwardMessageToDeadLetterQueueResponse {
  const group = checkGroup(req.group);
  const topic = checkTopic(req.topic);
  const handle = req.receiptHandle ?? '';
  const [error] = front.broker.forwardToDeadLetter(rc.ns, topic, group, handle);
  if (error !== undefined) {
    const st = handleStatus(error.code);
    fail(st.code, st.message);
  }
  front.held.settled(rc.clientId, handle);
  return { status: OK_STATUS };
}
