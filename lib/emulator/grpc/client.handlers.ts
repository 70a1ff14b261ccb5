/**
 * Heartbeat and NotifyClientTermination. Both need the settings the client sent on its Telemetry
 * stream (else UNRECOGNIZED_CLIENT_TYPE, as the proxy answers). Termination forgets the client and
 * gives back the messages it held through auto-renewing receives.
 */
import {
  OK_STATUS,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type NotifyClientTerminationRequest,
  type NotifyClientTerminationResponse,
} from '../../protocol-grpc/index.js';
import { fail } from './grpc.errors.js';
import type { GrpcFront } from './grpc.front.js';
import type { RequestContext } from './request.context.js';
import { checkGroup } from './resource.rules.js';

const NO_SETTINGS = 'cannot find client settings for this client';

export function heartbeat(
  front: GrpcFront,
  req: HeartbeatRequest,
  rc: RequestContext,
): HeartbeatResponse {
  const client = front.sessions.get(rc.clientId);
  if (client === undefined) fail('UNRECOGNIZED_CLIENT_TYPE', NO_SETTINGS);
  if (client.role === 'consumer') checkGroup(req.group);
  return { status: OK_STATUS };
}

export function notifyClientTermination(
  front: GrpcFront,
  req: NotifyClientTerminationRequest,
  rc: RequestContext,
): NotifyClientTerminationResponse {
  const client = front.sessions.get(rc.clientId);
  if (client === undefined) fail('UNRECOGNIZED_CLIENT_TYPE', NO_SETTINGS);
  if (client.role === 'consumer') checkGroup(req.group);
  front.sessions.remove(rc.clientId);
  front.held.release(rc.clientId);
  return { status: OK_STATUS };
}
