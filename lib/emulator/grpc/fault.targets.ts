/**
 * What each unary RPC is for the fault rules: its operation, topic and group. Built only from names
 * the handler would accept: a call with a malformed or missing topic or group gets no fault (its
 * handler answers the proxy's error for it), so an injected fault never hides a client's mistake.
 */
import type {
  AckMessageRequest,
  ChangeInvisibleDurationRequest,
  EndTransactionRequest,
  ForwardMessageToDeadLetterQueueRequest,
  HeartbeatRequest,
  NotifyClientTerminationRequest,
  QueryAssignmentRequest,
  QueryRouteRequest,
  Resource,
  SendMessageRequest,
  Settings,
} from '../../protocol-grpc/index.js';
import type { FaultOperation } from '../faults/fault.types.js';
import type { FaultTarget } from './grpc.faults.js';
import { checkGroup, checkTopic } from './resource.rules.js';

type Named = { topic?: Resource | null; group?: Resource | null };

export const FAULT_TARGETS = {
  QueryRoute: (r: QueryRouteRequest) => target('queryRoute', r.topic),
  Heartbeat: (r: HeartbeatRequest) => withOptionalGroup('heartbeat', r.group),
  SendMessage: (r: SendMessageRequest) => {
    const first = r.messages?.[0];
    return first === undefined ? undefined : target('publish', first.topic);
  },
  QueryAssignment: (r: QueryAssignmentRequest) => consumerTarget('queryAssignment', r),
  AckMessage: (r: AckMessageRequest) => consumerTarget('ack', r),
  ForwardMessageToDeadLetterQueue: (r: ForwardMessageToDeadLetterQueueRequest) =>
    consumerTarget('forwardToDeadLetterQueue', r),
  ChangeInvisibleDuration: (r: ChangeInvisibleDurationRequest) =>
    consumerTarget('changeInvisibleDuration', r),
  // TRANSACTION_RESOLUTION_UNSPECIFIED changes nothing: no operation, no fault.
  EndTransaction: (r: EndTransactionRequest) =>
    r.resolution === 'COMMIT' || r.resolution === 1
      ? target('commit', r.topic)
      : r.resolution === 'ROLLBACK' || r.resolution === 2
        ? target('rollback', r.topic)
        : undefined,
  NotifyClientTermination: (r: NotifyClientTerminationRequest) =>
    withOptionalGroup('notifyClientTermination', r.group),
} as const;

/**
 * A Telemetry settings command: a producer's first publishing topic, or a consumer's group and first
 * subscribed topic ('' when none).
 */
export function telemetryTarget(settings: Settings): FaultTarget | undefined {
  const group = settings.subscription?.group;
  const topic =
    settings.publishing?.topics?.[0] ?? settings.subscription?.subscriptions?.[0]?.topic;
  const topicName = topic === undefined || topic === null ? '' : valid(checkTopic, topic);
  if (topicName === undefined) return undefined;
  if (group === undefined || group === null) return { operation: 'telemetry', topic: topicName };
  const groupName = valid(checkGroup, group);
  return groupName === undefined
    ? undefined
    : { operation: 'telemetry', topic: topicName, group: groupName };
}

function target(
  operation: FaultOperation,
  topic: Resource | null | undefined,
): FaultTarget | undefined {
  const name = valid(checkTopic, topic);
  return name === undefined ? undefined : { operation, topic: name };
}

function consumerTarget(operation: FaultOperation, r: Named): FaultTarget | undefined {
  const topic = valid(checkTopic, r.topic);
  const group = valid(checkGroup, r.group);
  return topic === undefined || group === undefined ? undefined : { operation, topic, group };
}

/** Producers send Heartbeat and NotifyClientTermination without a group. */
function withOptionalGroup(
  operation: FaultOperation,
  group: Resource | null | undefined,
): FaultTarget | undefined {
  if (group === undefined || group === null || (group.name ?? '') === '') {
    return { operation, topic: '' };
  }
  const name = valid(checkGroup, group);
  return name === undefined ? undefined : { operation, topic: '', group: name };
}

function valid(
  check: (r: Resource | null | undefined) => string,
  resource: Resource | null | undefined,
): string | undefined {
  try {
    return check(resource);
  } catch {
    return undefined;
  }
}
