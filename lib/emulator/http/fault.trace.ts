/**
 * Tells the console's message history which messages an injected fault on the MQ HTTP front
 * touched (activity/fault.trace.ts records it): the message a faulted publish stored, the
 * deliveries a faulted consume answer carried, the handles a faulted ack, commit or rollback named
 * (once the server acted: those it settled).
 * Runs only for a request a rule picked and only when the console is on; what it needs is already
 * at hand (the publish's id, the consume's handles), except the handles of a settle refused before
 * acting, read from the body that was already received.
 */
import { traceFault as recordTouch, type FaultTouched } from '../activity/fault.trace.js';
import type { MessageHistory } from '../activity/message.history.js';
import type { FaultDecision } from '../faults/fault.types.js';
import { receiptHandlesOf } from './messages.execute.js';
import type { OperationOutcome } from './messages.execute.js';
import type { MessagesOperation } from './request.operation.js';

/**
 * @param outcome what the server did; undefined when it did not act (error, reset before, the
 *   client left during a delay)
 */
export function traceFault(
  history: MessageHistory | undefined,
  now: number,
  fault: FaultDecision,
  op: MessagesOperation,
  body: Buffer,
  outcome: OperationOutcome | undefined,
): void {
  if (history === undefined) return;
  const acted = outcome !== undefined && outcome.status !== 0;
  const request = { front: 'http' as const, operation: op.kind, ns: op.ns, topic: op.topic };
  recordTouch(history, now, fault, request, acted, touchedBy(op, body, outcome));
}

function touchedBy(
  op: MessagesOperation,
  body: Buffer,
  outcome: OperationOutcome | undefined,
): FaultTouched | undefined {
  switch (op.kind) {
    case 'publish':
      // A publish refused before acting stored nothing: no message to show it on.
      return outcome?.status === 201 ? { ids: [outcome.messageId] } : undefined;
    case 'consume':
      return outcome?.status === 200 ? { handles: outcome.handles } : undefined;
    default: {
      const named = receiptHandlesOf(body);
      if (outcome?.status !== 404 || outcome.failed === undefined) return { handles: named };
      // Acted in part: a handle the server refused on its own is not the fault's doing.
      const failed = new Set(outcome.failed.map((f) => f.receiptHandle));
      return { handles: named.filter((h) => !failed.has(h)) };
    }
  }
}
