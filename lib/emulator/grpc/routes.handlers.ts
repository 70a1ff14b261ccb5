/**
 * QueryRoute and QueryAssignment: every topic has one queue (id 0, read-write) on one broker, the
 * emulator itself. The route points back at the address the client says it dialled (the proxy
 * answers for the endpoints of the request), else at the front's own address.
 */
import { isIPv4, isIPv6 } from 'node:net';
import {
  OK_STATUS,
  type Broker,
  type Endpoints,
  type MessageQueue,
  type MessageType,
  type QueryAssignmentRequest,
  type QueryAssignmentResponse,
  type QueryRouteRequest,
  type QueryRouteResponse,
} from '../../protocol-grpc/index.js';
import type { GrpcFront } from './grpc.front.js';
import type { RequestContext } from './request.context.js';
import { checkGroup, checkTopic } from './resource.rules.js';

/** The broker name clients see in routes. */
export const BROKER_NAME = 'aliyun-mq-emulator';

const ACCEPTED_TYPES: Record<string, MessageType[]> = {
  normal: ['NORMAL'],
  orderly: ['FIFO'],
  delay: ['DELAY'],
  transactional: ['TRANSACTION'],
};
/** A topic without a declared type takes every kind (the proxy's MIXED). */
const MIXED: MessageType[] = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'];

/** Message types a topic accepts (its declared type; any when undeclared). */
export function acceptedTypes(topicType: string | undefined): MessageType[] {
  return (topicType !== undefined ? ACCEPTED_TYPES[topicType] : undefined) ?? MIXED;
}

export function queryRoute(
  front: GrpcFront,
  req: QueryRouteRequest,
  rc: RequestContext,
): QueryRouteResponse {
  const topic = checkTopic(req.topic);
  const type = front.broker.topicType(rc.ns, topic);
  const queue: MessageQueue = {
    topic: { name: topic, resourceNamespace: rc.ns },
    id: 0,
    permission: 'READ_WRITE',
    broker: broker(front, req.endpoints),
    acceptMessageTypes: acceptedTypes(type),
  };
  return { status: OK_STATUS, messageQueues: [queue] };
}

export function queryAssignment(
  front: GrpcFront,
  req: QueryAssignmentRequest,
  rc: RequestContext,
): QueryAssignmentResponse {
  const topic = checkTopic(req.topic);
  const group = checkGroup(req.group);
  front.broker.topicType(rc.ns, topic);
  const fifo = front.broker.isFifoGroup(rc.ns, group);
  // As the proxy: FIFO groups are assigned the queue itself, other groups queue id -1 ("any").
  return {
    status: OK_STATUS,
    assignments: [
      {
        messageQueue: {
          topic: { name: topic, resourceNamespace: rc.ns },
          id: fifo ? 0 : -1,
          permission: 'READ_WRITE',
          broker: broker(front, req.endpoints),
        },
      },
    ],
  };
}

function broker(front: GrpcFront, dialled: Endpoints | null | undefined): Broker {
  return { name: BROKER_NAME, id: 0, endpoints: routeEndpoints(front, dialled) };
}

function routeEndpoints(front: GrpcFront, dialled: Endpoints | null | undefined): Endpoints {
  const first = dialled?.addresses?.[0];
  if (
    first !== undefined &&
    first.host !== undefined &&
    first.host !== '' &&
    (first.port ?? 0) > 0
  ) {
    return {
      scheme: dialled!.scheme ?? schemeOf(first.host),
      addresses: [{ host: first.host, port: first.port! }],
    };
  }
  const own = front.address();
  return { scheme: schemeOf(own.host), addresses: [own] };
}

function schemeOf(host: string): 'IPv4' | 'IPv6' | 'DOMAIN_NAME' {
  return isIPv4(host) ? 'IPv4' : isIPv6(host) ? 'IPv6' : 'DOMAIN_NAME';
}
