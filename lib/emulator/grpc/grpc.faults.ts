/**
 * How the gRPC front carries out a fault decision (lib/emulator/faults decides, this file acts), in
 * HTTP/2 terms:
 * - `error`: a RocketMQ code in the response's `status` with gRPC OK, as the proxy answers, or a gRPC
 *   status name that ends the call with that status (fault.codes.ts says which is which);
 * - `delay`: acts after `ms` (not at all if the client cancelled meanwhile);
 * - `reset`: the call's HTTP/2 stream is reset (RST_STREAM INTERNAL_ERROR; the client's call fails
 *   with gRPC INTERNAL, other calls on the connection go on), before or after acting;
 * - `drop`: acted, nothing is sent (the client's deadline fires);
 * - `stall`: acted, the response headers are sent, the messages and trailers never;
 * - `trickle`: acted, headers, then the answer's bytes (every message frame) one byte per
 *   `intervalMs`, then the trailers.
 */
import type { EventEmitter } from 'node:events';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { GRPC_STATUSES, loadMessagingService } from '../../protocol-grpc/index.js';
import type { RocketMQCode } from '../../protocol-grpc/index.js';
import { grpcCodeFor } from '../faults/fault.codes.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import type { FaultAction, FaultDecision, FaultOperation } from '../faults/fault.types.js';
import type { EmulatorLog } from '../http/http.log.js';
import { callInternals, resetStream } from './grpc.call-internals.js';
import type { CallInternals } from './grpc.call-internals.js';

/** What this file needs of the gRPC front (grpc.front.ts), which passes itself. */
export interface FaultingFront {
  readonly faults: FaultInjector | undefined;
  readonly log: EmulatorLog;
}

/** A call as the fault rules see it; built only from names its handler would accept. */
export interface FaultTarget {
  operation: FaultOperation;
  topic: string;
  group?: string;
}

/** Unary, server-streaming and bidi server calls all have these. */
export interface FaultableCall extends EventEmitter {
  readonly cancelled: boolean;
  sendMetadata(metadata: Metadata): void;
}

/** Ends a call with a gRPC status through the public API (each kind of call has its own way). */
export type EndWithStatus = (code: number, details: string) => void;

export type InjectedGrpcError =
  | { rocketmq: { code: RocketMQCode; message: string } }
  | { grpc: { code: number; name: string; details: string } };

/** The fault for this call, or undefined (no rules, no target, or the rules let it pass). */
export function decideGrpcFault(
  front: FaultingFront,
  target: FaultTarget | undefined,
  ns: string,
): FaultDecision | undefined {
  const faults = front.faults;
  if (faults === undefined || !faults.armed || target === undefined) return undefined;
  return faults.decide({ front: 'grpc', ...target, instanceId: ns });
}

/** An injected error as the gRPC front answers it. */
export function injectedGrpcError(
  action: Extract<FaultAction, { kind: 'error' }>,
): InjectedGrpcError {
  const mapped = grpcCodeFor(action);
  const message = action.message ?? action.code;
  return 'rocketmq' in mapped
    ? { rocketmq: { code: mapped.rocketmq, message } }
    : { grpc: { code: GRPC_STATUSES[mapped.grpc].value, name: mapped.grpc, details: message } };
}

/**
 * Applies a delay or a reset before the server acts. Resolves true when the call should go on,
 * false when it must not be acted on (its stream was reset, or the client cancelled during the delay).
 */
export async function grpcBeforeActing(
  front: FaultingFront,
  action: FaultAction,
  call: FaultableCall,
  end: EndWithStatus,
): Promise<boolean> {
  if (action.kind === 'reset' && action.when === 'before') {
    reset(front, call, end);
    return false;
  }
  if (action.kind !== 'delay') return true;
  if (call.cancelled) return false;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      call.off('cancelled', done);
      resolve();
    };
    const timer = setTimeout(done, action.ms);
    call.once('cancelled', done);
  });
  return !call.cancelled;
}

/**
 * Sends (or withholds) the answer the server built, as the after-acting fault says. `frames` builds
 * the answer's bytes (only a trickle needs them). `then`: after a trickle, 'end' ends the call with
 * OK trailers (unary and server-streaming calls), 'open' leaves it open (Telemetry), `onDone` runs.
 */
export function deliverFaultedGrpc(
  front: FaultingFront,
  action: FaultAction,
  call: FaultableCall,
  end: EndWithStatus,
  frames: () => Buffer,
  then: 'end' | 'open',
  onDone?: () => void,
): void {
  if (call.cancelled) return;
  switch (action.kind) {
    case 'reset':
      reset(front, call, end);
      return;
    case 'drop':
      // Acted; nothing goes out. The client's deadline (or grpc-js's, on the server) ends the call.
      return;
    case 'stall':
      call.sendMetadata(new Metadata());
      return;
    case 'trickle': {
      const internals = internalsOrWarn(front, call, 'trickle');
      if (internals === undefined) {
        end(GrpcStatus.UNAVAILABLE, 'fault trickle: not available with this grpc-js version');
        return;
      }
      call.sendMetadata(new Metadata());
      trickle(internals, frames(), action.intervalMs, then, onDone);
      return;
    }
    default:
      return;
  }
}

/** Length-prefixed gRPC message frames of `responses`, as `method` serializes them. */
export function responseFrames(method: string, responses: readonly object[]): Buffer {
  const serialize = loadMessagingService()[method]!.responseSerialize;
  const parts: Buffer[] = [];
  for (const response of responses) {
    const bytes = serialize(response);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(bytes.length, 1); // byte 0 = 0: not compressed
    parts.push(prefix, bytes);
  }
  return Buffer.concat(parts);
}

function reset(front: FaultingFront, call: FaultableCall, end: EndWithStatus): void {
  const internals = internalsOrWarn(front, call, 'reset');
  if (internals !== undefined) resetStream(internals);
  else
    end(GrpcStatus.INTERNAL, 'fault reset: stream reset not available with this grpc-js version');
}

function internalsOrWarn(
  front: FaultingFront,
  call: FaultableCall,
  kind: string,
): CallInternals | undefined {
  const internals = callInternals(call);
  if (internals === undefined) {
    front.log.warn(
      `fault ${kind}: this @grpc/grpc-js does not expose the call's HTTP/2 stream; answered with a gRPC status instead`,
    );
  }
  return internals;
}

function trickle(
  internals: CallInternals,
  bytes: Buffer,
  intervalMs: number,
  then: 'end' | 'open',
  onDone: (() => void) | undefined,
): void {
  const stream = internals.stream;
  let at = 0;
  const stop = (): void => clearInterval(timer);
  const timer = setInterval(() => {
    // Ended meanwhile: the client cancelled, or grpc-js ended the call at its deadline.
    if (stream.destroyed || stream.writableEnded) {
      stop();
      return;
    }
    if (at < bytes.length) stream.write(bytes.subarray(at, ++at));
    if (at >= bytes.length) {
      stop();
      stream.off('close', stop);
      if (then === 'end') internals.sendStatus(GrpcStatus.OK, 'OK');
      onDone?.();
    }
  }, intervalMs);
  // The stream keeps the process alive while it is open; the timer alone must not.
  timer.unref();
  stream.once('close', stop);
}
