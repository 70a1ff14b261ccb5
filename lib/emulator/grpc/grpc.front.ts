/**
 * Everything the gRPC front's handlers share: the broker, the clock, the log, who is calling, the
 * clients' sessions, the messages held by auto-renewing consumers, and the transaction-check loops.
 * One per running emulator; handlers are plain functions of it.
 */
import { status as GrpcStatusCode, type handleUnaryCall } from '@grpc/grpc-js';
import { ROCKETMQ5_PROXY_DEFAULTS as PROXY, type Status } from '../../protocol-grpc/index.js';
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../clock/clock.js';
import type { EmulatorCredential, EmulatorTimings } from '../emulator.types.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import { actsAfter } from '../faults/fault.types.js';
import type { FaultDecision } from '../faults/fault.types.js';
import type { EmulatorLog } from '../http/http.log.js';
import { ClientSessions } from './client.sessions.js';
import { toFrontStatus } from './grpc.errors.js';
import {
  decideGrpcFault,
  deliverFaultedGrpc,
  grpcBeforeActing,
  injectedGrpcError,
  responseFrames,
  type EndWithStatus,
  type FaultTarget,
} from './grpc.faults.js';
import { HeldMessages } from './held.messages.js';
import { createContextReader, type ContextReader, type RequestContext } from './request.context.js';
import { TransactionChecks } from './transaction.checks.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';
import { traceFault, type FaultTouched } from '../activity/fault.trace.js';
import type { MessageHistory } from '../activity/message.history.js';

export interface GrpcFrontOptions {
  broker: Broker;
  clock: Clock;
  auth: 'strict' | 'off';
  credentials: readonly EmulatorCredential[];
  timings: EmulatorTimings;
  log: EmulatorLog;
  /** Consumers seen (the console); undefined when the console is off. */
  activity?: ConsumerActivity;
  /** The console's message history (faults that touched messages); undefined when the console is off. */
  history?: MessageHistory;
  /** Fault rules, consulted once per call after its identity and names are known (`front: 'grpc'`). */
  faults?: FaultInjector;
}

export interface GrpcFront {
  readonly broker: Broker;
  readonly clock: Clock;
  readonly log: EmulatorLog;
  readonly timings: EmulatorTimings;
  readonly readContext: ContextReader;
  readonly sessions: ClientSessions;
  readonly held: HeldMessages;
  readonly checks: TransactionChecks;
  readonly activity: ConsumerActivity | undefined;
  readonly history: MessageHistory | undefined;
  readonly faults: FaultInjector | undefined;
  /** Longest long poll of a receive: the proxy's 20 s, or less when `timings.maxWaitSeconds` is. */
  readonly maxLongPollingMs: number;
  /** Where clients reach this front (used when a request does not say which address it dialled). */
  address(): { host: string; port: number };
}

export function createGrpcFront(
  options: GrpcFrontOptions,
  address: () => { host: string; port: number },
): GrpcFront {
  // The check loops need the sessions and the sessions report to the check loops.
  const checks: TransactionChecks = new TransactionChecks(
    options.broker,
    options.clock,
    (): ClientSessions => sessions,
    options.log,
  );
  const sessions: ClientSessions = new ClientSessions(checks.onProducers);
  return {
    broker: options.broker,
    clock: options.clock,
    log: options.log,
    timings: options.timings,
    readContext: createContextReader(options),
    sessions,
    held: new HeldMessages(options.broker),
    checks,
    activity: options.activity,
    history: options.history,
    faults: options.faults,
    maxLongPollingMs: Math.min(PROXY.maxLongPollingMs, options.timings.maxWaitSeconds * 1000),
    address,
  };
}

/**
 * A unary RPC: who is calling (authentication, client id, namespace), the fault rules (when `target`
 * describes the call), then the handler. Any failure becomes the response's `status`, as the proxy
 * answers; the gRPC status stays OK. `touched` says which messages a faulted call touched, for the
 * console's timelines (asked only when a fault was applied and the console is on).
 */
export function unary<Req, Res extends { status?: Status | null }>(
  front: GrpcFront,
  method: string,
  resourceNamespace: (req: Req) => string | undefined,
  handle: (req: Req, rc: RequestContext) => Res | Promise<Res>,
  target?: (req: Req) => FaultTarget | undefined,
  touched?: (req: Req, acted: Res | undefined) => FaultTouched | undefined,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = front.log.enabled ? performance.now() : 0;
    let clientId = '';
    let ns = '';
    let fault: FaultDecision | undefined;
    let described: FaultTarget | undefined;
    // The call reached its handler, and the handler answered a status that says it acted.
    let reached = false;
    let acted = false;
    // What the log line says when no response is built (a gRPC status, a reset, a client gone).
    let outcome = 'CANCELLED';
    const end: EndWithStatus = (code, details) => {
      outcome = GrpcStatusName[code] ?? String(code);
      callback({ code, details });
    };
    const run = async (): Promise<Res | undefined> => {
      const rc = front.readContext(call.metadata, resourceNamespace(call.request));
      clientId = rc.clientId;
      ns = rc.ns;
      // Without rules this is one property read: the call is not described at all.
      if (target !== undefined && front.faults?.armed === true) {
        described = target(call.request);
        fault = decideGrpcFault(front, described, rc.ns);
      }
      if (fault !== undefined) {
        if (fault.action.kind === 'error') {
          const injected = injectedGrpcError(fault.action);
          if ('rocketmq' in injected) return { status: injected.rocketmq } as Res;
          end(injected.grpc.code, injected.grpc.details);
          return undefined;
        }
        if (!(await grpcBeforeActing(front, fault.action, call, end))) {
          if (fault.action.kind === 'reset') outcome = 'RESET';
          return undefined;
        }
      }
      reached = true;
      const response = await handle(call.request, rc);
      acted = hasActed(response.status);
      return response;
    };
    run()
      .catch((err: unknown): Res => {
        const st = toFrontStatus(err);
        if (st.internal) front.log.warn(`gRPC ${method} failed: ${describe(err)}`);
        return { status: { code: st.code, message: st.message } } as Res;
      })
      .then((response) => {
        if (response !== undefined) {
          outcome = String(response.status?.code ?? 'OK');
          if (fault !== undefined && actsAfter(fault.action)) {
            // The server acted and the fault eats the answer, as a broken network would.
            const frames = (): Buffer => responseFrames(method, [response]);
            deliverFaultedGrpc(front, fault.action, call, end, frames, 'end');
          } else {
            callback(null, response);
          }
        }
        // As on the HTTP front: a call its handler refused on its own is not the fault's doing.
        const history = front.history;
        if (
          fault !== undefined &&
          history !== undefined &&
          touched !== undefined &&
          acted === reached
        ) {
          const request = { front: 'grpc' as const, ...described!, ns };
          const messages = touched(call.request, acted ? response : undefined);
          traceFault(history, front.clock.now(), fault, request, acted, messages);
        }
        if (front.log.enabled) logCall(front, method, outcome, started, clientId, fault);
      })
      .catch((err: unknown) =>
        front.log.warn(`gRPC ${method}: could not answer: ${describe(err)}`),
      );
  };
}

/** OK, or MULTIPLE_RESULTS: some entries acted (the others say why not). */
function hasActed(status: Status | null | undefined): boolean {
  const code = status?.code;
  return code === undefined || code === 'OK' || code === 'MULTIPLE_RESULTS';
}

/** One line per call: the code answered (or what ended the call), the fault applied if any. */
export function logCall(
  front: GrpcFront,
  method: string,
  code: string,
  started: number,
  clientId: string,
  fault?: FaultDecision,
): void {
  const ms = (performance.now() - started).toFixed(1);
  const injected = fault === undefined ? '' : ` fault=${fault.ruleId}:${fault.action.kind}`;
  front.log.info(`gRPC ${method} ${code}${injected} ${ms}ms client=${clientId}`);
}

/** gRPC status names by number, for log lines. */
const GrpcStatusName = GrpcStatusCode as unknown as Record<number, string>;

export function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
