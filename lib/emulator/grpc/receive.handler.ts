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
import { fail, toFrontStatus } from './grpc.errors.js';
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
    let clientId = '';
    let code = 'OK';
    receive(front, call, (id) => (clientId = id))
      .then((c) => (code = c))
      .catch((err: unknown) => {
        const st = toFrontStatus(err);
        if (st.internal) front.log.warn(`gRPC ReceiveMessage failed: ${describe(err)}`);
        code = st.code;
        finish(front, call, { code: st.code, message: st.message }, []);
      })
      .finally(() => {
        if (front.log.enabled)
          logCall(front, 'ReceiveMessage', { code: code as 'OK' }, started, clientId);
      });
  };
}

async function receive(
  front: GrpcFront,
  call: ReceiveCall,
  onClient: (clientId: string) => void,
): Promise<string> {
  const req = call.request;
  const rc = front.readContext(call.metadata, req.group?.resourceNamespace);
  onClient(rc.clientId);
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
  if (messages.length === 0) {
    finish(front, call, { code: 'MESSAGE_NOT_FOUND', message: 'no new message' }, []);
    return 'MESSAGE_NOT_FOUND';
  }
  const now = front.clock.now();
  finish(
    front,
    call,
    OK_STATUS,
    messages.map((m) => toGrpcMessage(m, topic, rc.ns, now)),
  );
  return 'OK';
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
  call.write({ status: status as ReceiveMessageResponse['status'] });
  for (const message of messages) call.write({ message });
  call.write({ deliveryTimestamp: msToTimestamp(front.clock.now()) });
  call.end();
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
