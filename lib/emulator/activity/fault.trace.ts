/**
 * How every front tells the console's message history that an injected fault touched messages, so
 * that a message's timeline can show it. Each front knows which messages its request touched (the
 * ids a publish stored, the handles a consume answer carried or an ack named); this builds the one
 * shape of a touch and leaves out requests that touched none. Fronts call it only for a request a
 * rule picked and only when the console is on (the history exists): nothing on the hot path.
 */
import type { FaultDecision, FaultFront, FaultOperation } from '../faults/fault.types.js';
import type { MessageHistory } from './message.history.js';

/**
 * The messages a faulted request touched: the ids a publish stored (or a transaction end named), or
 * the receipt handles a consume answer carried or an ack, invisibility change, dead-lettering,
 * commit or rollback named. Handles resolve to messages through the deliveries the history holds.
 */
export type FaultTouched = { ids: readonly string[] } | { handles: readonly string[] };

/** The request a fault was applied to, as the rules saw it. */
export interface FaultedRequest {
  front: FaultFront;
  operation: FaultOperation;
  ns: string;
  topic: string;
}

/**
 * @param acted the server acted on the request (stored, delivered, settled); false when it was
 *   refused or cut before (an injected error, a reset before, the client gone during a delay)
 * @param touched undefined or empty: the request touched no message, nothing is recorded
 */
export function traceFault(
  history: MessageHistory,
  now: number,
  fault: FaultDecision,
  request: FaultedRequest,
  acted: boolean,
  touched: FaultTouched | undefined,
): void {
  if (touched === undefined) return;
  if (('ids' in touched ? touched.ids : touched.handles).length === 0) return;
  history.recordFault(
    {
      ruleId: fault.ruleId,
      front: request.front,
      operation: request.operation,
      action: fault.action,
      acted,
      ns: request.ns,
      topic: request.topic,
      ...touched,
    },
    now,
  );
}
