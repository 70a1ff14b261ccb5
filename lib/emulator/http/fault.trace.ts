/**
 * Tells the console's message history which messages an injected fault touched, so that a
 * message's timeline can show it: the message a faulted publish stored, the deliveries a faulted
 * consume answer carried, the handles a faulted ack, commit or rollback named. Runs only for a
 * request a rule picked and only when the console is on; what it needs is already at hand (the
 * publish's id, the consume's handles), except the handles of a settle refused before acting,
 * read from the body that was already received.
 */
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
  const touch = {
    ruleId: fault.ruleId,
    front: 'http' as const,
    operation: op.kind,
    action: fault.action,
    acted,
    ns: op.ns,
    topic: op.topic,
  };
  switch (op.kind) {
    case 'publish':
      // A publish refused before acting stored nothing: no message to show it on.
      if (outcome?.status === 201) history.recordFault({ ...touch, ids: [outcome.messageId] }, now);
      return;
    case 'consume':
      if (outcome?.status === 200) history.recordFault({ ...touch, handles: outcome.handles }, now);
      return;
    default: {
      const handles = receiptHandlesOf(body);
      if (handles.length > 0) history.recordFault({ ...touch, handles }, now);
    }
  }
}
