/**
 * The Telemetry stream (bidirectional): the client sends its settings, the emulator answers with
 * the merged settings (settings.reply.ts), and later pushes commands on the same stream (transaction
 * checks). As the proxy does: a command from an unauthenticated client is answered with a status-only
 * command (the stream stays open); settings without publishing or subscription, or with a malformed
 * topic, group or filter, end the stream with gRPC INVALID_ARGUMENT; the stream is completed when the
 * client half-closes it. A client whose stream ends gives back the messages it held. Fault rules
 * (operation `telemetry`) are asked once per settings command.
 */
import { status as GrpcStatus, type handleBidiStreamingCall } from '@grpc/grpc-js';
import { OK_STATUS, type Settings, type TelemetryCommand } from '../../protocol-grpc/index.js';
import { actsAfter, type FaultAction } from '../faults/fault.types.js';
import { sendCommand, type TelemetryCall } from './client.sessions.js';
import { toFrontStatus, type FrontStatus } from './grpc.errors.js';
import { telemetryTarget } from './fault.targets.js';
import {
  decideGrpcFault,
  deliverFaultedGrpc,
  grpcBeforeActing,
  injectedGrpcError,
  responseFrames,
  type EndWithStatus,
} from './grpc.faults.js';
import { describe, type GrpcFront } from './grpc.front.js';
import type { RequestContext } from './request.context.js';
import { checkGroup, checkTopic, parseTagFilter } from './resource.rules.js';
import { consumerSettingsReply, producerSettingsReply } from './settings.reply.js';

/** Thrown for settings the proxy refuses by ending the stream. */
class InvalidSettings extends Error {}

export function telemetryHandler(
  front: GrpcFront,
): handleBidiStreamingCall<TelemetryCommand, TelemetryCommand> {
  return (call) => {
    let rc: RequestContext | undefined;
    let refused: FrontStatus | undefined;
    try {
      rc = front.readContext(call.metadata);
    } catch (err) {
      refused = toFrontStatus(err);
    }
    const closed = (): void => {
      if (rc === undefined) return;
      front.sessions.streamClosed(rc.clientId, call);
      front.held.release(rc.clientId);
    };
    call.on('data', (command: TelemetryCommand) => {
      if (refused !== undefined || rc === undefined) {
        sendCommand(call, { status: { code: refused!.code, message: refused!.message } });
        return;
      }
      if (
        command.command !== 'settings' ||
        command.settings === null ||
        command.settings === undefined
      ) {
        return; // Stack traces and verification results: nothing to do.
      }
      const fault =
        front.faults?.armed === true
          ? decideGrpcFault(front, telemetryTarget(command.settings), rc.ns)
          : undefined;
      if (fault === undefined) {
        const reply = applySettings(front, rc, command.settings, call);
        if (reply !== undefined) sendCommand(call, reply);
        return;
      }
      if (front.log.enabled) {
        front.log.info(
          `gRPC Telemetry settings fault=${fault.ruleId}:${fault.action.kind} client=${rc.clientId}`,
        );
      }
      void faultedSettings(front, rc, command.settings, call, fault.action);
    });
    call.on('end', () => {
      closed();
      if (!call.writableEnded) call.end();
    });
    call.on('cancelled', closed);
    call.on('error', closed);
    if (front.log.enabled) {
      front.log.info(`gRPC Telemetry stream opened client=${rc?.clientId ?? '(unauthenticated)'}`);
    }
  };
}

/**
 * Acts on a settings command (the client's session is updated) and returns the reply; undefined
 * when the settings ended the stream (INVALID_ARGUMENT).
 */
function applySettings(
  front: GrpcFront,
  rc: RequestContext,
  settings: Settings,
  call: TelemetryCall,
): TelemetryCommand | undefined {
  try {
    return settingsReply(front, rc, settings, call);
  } catch (err) {
    if (err instanceof InvalidSettings) {
      call.emit('error', { code: GrpcStatus.INVALID_ARGUMENT, details: err.message });
      return undefined;
    }
    const st = toFrontStatus(err);
    if (st.internal) front.log.warn(`gRPC Telemetry settings failed: ${describe(err)}`);
    return { status: { code: st.code, message: st.message } };
  }
}

/**
 * A settings command under a fault. An error is a status-only command (as the proxy answers a
 * command it refuses) or a gRPC status ending the stream. After acting, a dropped or stalled reply
 * leaves the stream silent from then on (later commands are held back, as behind a stuck
 * connection); a trickled one holds them back until its last byte is out.
 */
async function faultedSettings(
  front: GrpcFront,
  rc: RequestContext,
  settings: Settings,
  call: TelemetryCall,
  action: FaultAction,
): Promise<void> {
  const end: EndWithStatus = (code, details) => call.emit('error', { code, details });
  if (action.kind === 'error') {
    const injected = injectedGrpcError(action);
    if ('rocketmq' in injected) sendCommand(call, { status: injected.rocketmq });
    else end(injected.grpc.code, injected.grpc.details);
    return;
  }
  if (!(await grpcBeforeActing(front, action, call, end))) return;
  if (call.writableEnded) return;
  const reply = applySettings(front, rc, settings, call);
  if (reply === undefined) return;
  if (!actsAfter(action)) {
    sendCommand(call, reply);
    return;
  }
  if (action.kind !== 'reset') call.cork();
  const frames = (): Buffer => responseFrames('Telemetry', [reply]);
  deliverFaultedGrpc(front, action, call, end, frames, 'open', () => call.uncork());
}

function settingsReply(
  front: GrpcFront,
  rc: RequestContext,
  settings: Settings,
  call: TelemetryCall,
): TelemetryCommand {
  if (
    settings.publishing !== null &&
    settings.publishing !== undefined &&
    settings.pubSub !== 'subscription'
  ) {
    const topics = (settings.publishing.topics ?? []).map((t) =>
      invalidAsStreamError(() => checkTopic(t)),
    );
    front.sessions.update(rc.clientId, rc.ns, settings, 'producer', undefined, topics, call);
    return { status: OK_STATUS, settings: producerSettingsReply(settings) };
  }
  const subscription = settings.subscription;
  if (subscription === null || subscription === undefined) {
    throw new InvalidSettings('there is no publishing or subscription data in settings');
  }
  const group = invalidAsStreamError(() => checkGroup(subscription.group));
  for (const entry of subscription.subscriptions ?? []) {
    invalidAsStreamError(() => checkTopic(entry.topic));
    invalidAsStreamError(() => parseTagFilter(entry.expression));
  }
  // Strict mode: an undeclared group is answered CONSUMER_GROUP_NOT_FOUND (startup fails clearly).
  const fifo = front.broker.isFifoGroup(rc.ns, group);
  front.sessions.update(rc.clientId, rc.ns, settings, 'consumer', group, [], call);
  return {
    status: OK_STATUS,
    settings: consumerSettingsReply(settings, {
      fifo,
      maxAttempts: front.timings.maxRetries + 1,
      longPollingMs: front.maxLongPollingMs,
    }),
  };
}

/** Malformed names in settings end the stream with INVALID_ARGUMENT, as the proxy does. */
function invalidAsStreamError<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    const st = toFrontStatus(err);
    throw new InvalidSettings(`process client telemetryCommand failed. ${st.message}`);
  }
}
