/**
 * The one log line per request of the HTTP front (MQ, ONS, admin), written once the request is
 * over, whatever happened: its status (or that nobody was left to answer), error code, the fault
 * that hit it and how long it took. Built only when info lines are wanted (log.enabled).
 */
import type { FaultDecision } from '../faults/fault.types.js';
import type { EmulatorLog } from './http.log.js';

/** What one request turned into, for the answer and the log line. */
export interface ServeState {
  errorCode: string;
  fault: FaultDecision | undefined;
  /** Receipt handles carried by a consume reply (given back if the reply cannot be written). */
  handles: string[] | undefined;
}

/**
 * @param status the status of the answer (also when a fault withheld it or wrote it raw);
 *   undefined when there was none: the client went away first (e.g. an aborted long poll)
 * @param started performance.now() when the request came in; 0 when the log was off then
 */
export function logRequest(
  log: EmulatorLog,
  method: string | undefined,
  url: string | undefined,
  status: number | undefined,
  state: ServeState,
  started: number,
  requestId: string,
): void {
  if (!log.enabled) return;
  const ms = started === 0 ? '0.0' : (performance.now() - started).toFixed(1);
  const code = state.errorCode === '' ? '' : ` ${state.errorCode}`;
  const fault =
    state.fault === undefined ? '' : ` fault=${state.fault.ruleId}:${state.fault.action.kind}`;
  const outcome = status !== undefined ? `${status}${code}` : 'closed by the client, no answer';
  log.info(`${method} ${url} ${outcome}${fault} ${ms}ms id=${requestId}`);
}
