/**
 * Everything the gRPC front's handlers share: the broker, the clock, the log, who is calling, the
 * clients' sessions, the messages held by auto-renewing consumers, and the transaction-check loops.
 * One per running emulator; handlers are plain functions of it.
 */
import type { handleUnaryCall } from '@grpc/grpc-js';
import { ROCKETMQ5_PROXY_DEFAULTS as PROXY, type Status } from '../../protocol-grpc/index.js';
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../clock/clock.js';
import type { EmulatorCredential, EmulatorTimings } from '../emulator.types.js';
import type { EmulatorLog } from '../http/http.log.js';
import { ClientSessions } from './client.sessions.js';
import { toFrontStatus } from './grpc.errors.js';
import { HeldMessages } from './held.messages.js';
import { createContextReader, type ContextReader, type RequestContext } from './request.context.js';
import { TransactionChecks } from './transaction.checks.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';

export interface GrpcFrontOptions {
  broker: Broker;
  clock: Clock;
  auth: 'strict' | 'off';
  credentials: readonly EmulatorCredential[];
  timings: EmulatorTimings;
  log: EmulatorLog;
  /** Consumers seen (the console); undefined when the console is off. */
  activity?: ConsumerActivity;
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
    maxLongPollingMs: Math.min(PROXY.maxLongPollingMs, options.timings.maxWaitSeconds * 1000),
    address,
  };
}

/**
 * A unary RPC: who is calling (authentication, client id, namespace), then the handler. Any failure
 * becomes the response's `status`, as the proxy answers; the gRPC status stays OK.
 */
export function unary<Req, Res extends { status?: Status | null }>(
  front: GrpcFront,
  method: string,
  resourceNamespace: (req: Req) => string | undefined,
  handle: (req: Req, rc: RequestContext) => Res | Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = front.log.enabled ? performance.now() : 0;
    let clientId = '';
    const run = async (): Promise<Res> => {
      const rc = front.readContext(call.metadata, resourceNamespace(call.request));
      clientId = rc.clientId;
      return handle(call.request, rc);
    };
    run()
      .catch((err: unknown): Res => {
        const st = toFrontStatus(err);
        if (st.internal) front.log.warn(`gRPC ${method} failed: ${describe(err)}`);
        return { status: { code: st.code, message: st.message } } as Res;
      })
      .then((response) => {
        callback(null, response);
        if (front.log.enabled) logCall(front, method, response.status, started, clientId);
      })
      .catch((err: unknown) =>
        front.log.warn(`gRPC ${method}: could not answer: ${describe(err)}`),
      );
  };
}

export function logCall(
  front: GrpcFront,
  method: string,
  status: Status | null | undefined,
  started: number,
  clientId: string,
): void {
  const ms = (performance.now() - started).toFixed(1);
  front.log.info(`gRPC ${method} ${String(status?.code ?? 'OK')} ${ms}ms client=${clientId}`);
}

export function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
