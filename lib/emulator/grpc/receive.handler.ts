/**
 * ReceiveMessage (server stream), as the proxy answers it: one status frame (OK, or
 * MESSAGE_NOT_FOUND when the long poll ends empty, or the error), then one frame per message, then a
 * `delivery_timestamp` frame, then the end of the stream.
 *
 * - Long polling: the request's `long_polling_timeout`, at most the front's maximum (20 s, or
 *   `timings.maxWaitSeconds`), and never past the call's deadline (less 100 ms). Unlike the proxy,
 *   no 5-second minimum: a short poll is answered as soon as it is empty.
 * - Invisible duration: the request's (10 s to 12 h); with `auto_renew` (PushConsumer) the messages
 *   are held for the proxy's 3-hour renewal limit and given back when the client goes away.
 * - FIFO groups (declared `fifo`) consume the orderly view: message groups in order, one batch of a
 *   group in flight at a time — the HTTP protocol's orderly partitions.
 * - At most 16 messages per receive (the batch size is a maximum; a smaller answer is legal).
 * - Messages that could not be written (the client left) are given back after 1 s, as the proxy does.
 * - Fault rules (operation `consume`) are asked after every check, before the broker takes anything;
 *   messages taken under an after-acting fault stay in flight (grpc.faults.ts). With the console on,
 *   a faulted answer that carried messages shows in their timelines.
 */
import type { handleServerStreamingCall, ServerWritableStream } from '@grpc/grpc-js';
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import {
  durationToMs,
  MQ_GRPC_HEADER,
  msToTimestamp,
  OK_STATUS,
  ROCKETMQ5_PROXY_DEFAULTS as PROXY,
  type ReceiveMessageRequest,
  type ReceiveMessageResponse,
} from '../../protocol-grpc/index.js';
import { traceFault } from '../activity/fault.trace.js';
import { actsAfter, type FaultDecision } from '../faults/fault.types.js';
import { fail, toFrontStatus } from './grpc.errors.js';
import {
  decideGrpcFault,
  deliverFaultedGrpc,
  grpcBeforeActing,
  injectedGrpcError,
  responseFrames,
  type EndWithStatus,
} from './grpc.faults.js';
import { describe, logCall, type GrpcFront } from './grpc.front.js';
import { toGrpcMessage } from './message.outbound.js';
import type { RequestContext } from './request.context.js';
import { checkGroup, checkTopic, parseTagFilter } from './resource.rules.js';
import { MAX_RECEIVE_BATCH } from './settings.reply.js';

type ReceiveCall = ServerWritableStream<ReceiveMessageRequest, ReceiveMessageResponse>;

/** The proxy's batch limit (the broker's pop maximum). */
const MAX_BATCH_SIZE = 32;

export function receiveHandler(
  front: GrpcFront,
): handleServerStreamingCall<ReceiveMessageRequest, ReceiveMessageResponse> {
  return (call) => {
    const started = front.log.enabled ? performance.now() : 0;
    const seen: Seen = { clientId: '', fault: undefined };
    let code = 'OK';
    receive(front, call, seen)
      .then((c) => (code = c))
      .catch((err: unknown) => {
        const st = toFrontStatus(err);
        if (st.internal) front.log.warn(`gRPC ReceiveMessage failed: ${describe(err)}`);
        code = st.code;
        finish(front, call, { code: st.code, message: st.message }, []);
      })
      .finally(() => {
        if (front.log.enabled) {
          logCall(front, 'ReceiveMessage', code, started, seen.clientId, seen.fault);
        }
      });
  };
}

/** What the log line needs to know of a receive. */
interface Seen {
  clientId: string;
  fault: FaultDecision | undefined;
}

async function receive(front: GrpcFront, call: ReceiveCall, seen: Seen): Promise<string> {
  const req = call.request;
  const rc = front.readContext(call.metadata, req.group?.resourceNamespace);
  seen.clientId = rc.clientId;
  const group = checkGroup(req.group);
  const topic = checkTopic(req.messageQueue?.topic);
  const tags = parseTagFilter(req.filterExpression);
  const batch = req.batchSize ?? 0;
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH_SIZE) {
    fail('BAD_REQUEST', `the batch size must be between 1 and ${MAX_BATCH_SIZE}, got ${batch}`);
  }
  const autoRenew = req.autoRenew === true;
  const invisibleMs = autoRenew ? PROXY.autoRenewMaxMs : receiveInvisibleMs(req);
  const deadline = call.getDeadline();
  const pollMs = pollingWindow(
    durationToMs(req.longPollingTimeout),
    front.maxLongPollingMs,
    deadline instanceof Date ? deadline.getTime() : deadline,
    Date.now(),
  );
  const kind = front.broker.isFifoGroup(rc.ns, group) ? 'orderly' : 'normal';

  // Checked: the fault rules may now decide (before the broker takes anything).
  const fault = decideGrpcFault(front, { operation: 'consume', topic, group }, rc.ns);
  seen.fault = fault;
  const end: EndWithStatus = (code, details) => call.emit('error', { code, details });
  if (fault !== undefined) {
    if (fault.action.kind === 'error') {
      const injected = injectedGrpcError(fault.action);
      if ('grpc' in injected) {
        end(injected.grpc.code, injected.grpc.details);
        return injected.grpc.name;
      }
      finish(front, call, injected.rocketmq, []);
      return injected.rocketmq.code;
    }
    if (!(await grpcBeforeActing(front, fault.action, call, end))) {
      return fault.action.kind === 'reset' ? 'RESET' : 'CANCELLED';
    }
  }

  const controller = new AbortController();
  const onCancel = (): void => controller.abort();
  call.once('cancelled', onCancel);
  if (call.cancelled) controller.abort();
  const polled = front.activity?.recordPoll({
    protocol: 'grpc',
    clientId: rc.clientId,
    instanceId: rc.ns,
    topic,
    group,
    ...clientAgent(call),
  });
  let messages: ConsumedMessageDoc[];
  try {
    messages = await front.broker.consume(
      {
        ns: rc.ns,
        topic,
        group,
        kind,
        max: Math.min(batch, MAX_RECEIVE_BATCH),
        ...(tags !== undefined ? { tags } : {}),
        invisibleMs,
      },
      pollMs,
      controller.signal,
    );
  } finally {
    call.off('cancelled', onCancel);
    polled?.();
  }
  if (messages.length > 0 && (call.cancelled || call.writableEnded)) {
    giveBack(front, rc, topic, group, messages);
    return 'CANCELLED';
  }
  if (autoRenew) {
    front.held.hold(
      rc.clientId,
      rc.ns,
      topic,
      group,
      messages.map((m) => m.receiptHandle),
    );
  }
  const now = front.clock.now();
  if (fault !== undefined && front.history !== undefined && messages.length > 0) {
    // The console's timelines: the deliveries this faulted answer carried (taken, so acted).
    const request = { front: 'grpc' as const, operation: 'consume' as const, ns: rc.ns, topic };
    const handles = messages.map((m) => m.receiptHandle);
    traceFault(front.history, now, fault, request, true, { handles });
  }
  const status =
    messages.length === 0 ? { code: 'MESSAGE_NOT_FOUND', message: 'no new message' } : OK_STATUS;
  const out = messages.map((m) => toGrpcMessage(m, topic, rc.ns, now));
  if (fault !== undefined && actsAfter(fault.action)) {
    // The messages were taken and stay in flight: the server acted, the answer is lost or slow.
    const bytes = (): Buffer => responseFrames('ReceiveMessage', frames(front, status, out));
    deliverFaultedGrpc(front, fault.action, call, end, bytes, 'end');
  } else {
    finish(front, call, status, out);
  }
  return status.code;
}

/** The client's language and version headers, for the console's consumer list. */
function clientAgent(call: ReceiveCall): { agent?: string } {
  const language = call.metadata.get(MQ_GRPC_HEADER.language)[0];
  const version = call.metadata.get(MQ_GRPC_HEADER.clientVersion)[0];
  const agent = [language, version].filter((v) => typeof v === 'string' && v !== '').join(' ');
  return agent === '' ? {} : { agent };
}

function receiveInvisibleMs(req: ReceiveMessageRequest): number {
  const ms = durationToMs(req.invisibleDuration);
  if (ms === undefined) {
    fail('ILLEGAL_INVISIBLE_TIME', 'the invisible duration is required unless auto_renew is set');
  }
  if (ms < PROXY.minReceiveInvisibleMs) {
    fail(
      'ILLEGAL_INVISIBLE_TIME',
      `the invisibleTime is too small. min is ${PROXY.minReceiveInvisibleMs}`,
    );
  }
  if (ms > PROXY.maxInvisibleMs) {
    fail(
      'ILLEGAL_INVISIBLE_TIME',
      `the invisibleTime is too large. max is ${PROXY.maxInvisibleMs}`,
    );
  }
  return ms;
}

/**
 * How long a receive may wait: the requested long polling (default and cap: `maxMs`), ending
 * `longPollingReserveMs` before the call's deadline (epoch ms; Infinity when none), never negative.
 * ILLEGAL_POLLING_TIME when the deadline leaves no time at all.
 */
export function pollingWindow(
  requestedMs: number | undefined,
  maxMs: number,
  deadlineAt: number,
  now: number,
): number {
  let ms = Math.min(requestedMs ?? maxMs, maxMs);
  if (Number.isFinite(deadlineAt)) {
    const remaining = deadlineAt - now - PROXY.longPollingReserveMs;
    if (remaining <= 0) {
      fail(
        'ILLEGAL_POLLING_TIME',
        'The deadline time remaining is not enough for polling, please check network condition',
      );
    }
    ms = Math.min(ms, remaining);
  }
  return Math.max(0, ms);
}

/** Writes the status, the messages and the delivery timestamp, then ends the stream. */
function finish(
  front: GrpcFront,
  call: ReceiveCall,
  status: { code: string; message: string },
  messages: ReceiveMessageResponse['message'][],
): void {
  if (call.cancelled || call.writableEnded) return;
  for (const frame of frames(front, status, messages)) call.write(frame);
  call.end();
}

/** The frames of an answer: the status, one per message, then the delivery timestamp. */
function frames(
  front: GrpcFront,
  status: { code: string; message: string },
  messages: ReceiveMessageResponse['message'][],
): ReceiveMessageResponse[] {
  const out: ReceiveMessageResponse[] = [{ status: status as ReceiveMessageResponse['status'] }];
  for (const message of messages) out.push({ message });
  out.push({ deliveryTimestamp: msToTimestamp(front.clock.now()) });
  return out;
}

/** Messages taken for a client that left before they could be written: visible again in 1 s. */
function giveBack(
  front: GrpcFront,
  rc: RequestContext,
  topic: string,
  group: string,
  messages: readonly ConsumedMessageDoc[],
): void {
  for (const m of messages) {
    front.broker.changeInvisibility(rc.ns, topic, group, m.receiptHandle, PROXY.releaseInvisibleMs);
  }
}
