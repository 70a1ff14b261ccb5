/**
 * Which messages a faulted unary RPC touched, for the console's timelines (activity/fault.trace.ts):
 * the messages a SendMessage stored, the receipt handles an ack, an invisibility change or a
 * dead-lettering named, the half message an EndTransaction named. The front's receipt handles are
 * the broker's own (message.outbound.ts), so they resolve to messages as the HTTP front's do.
 * Asked only when a fault was applied and the console is on; RPCs that carry no message have none.
 */
import type {
  AckMessageRequest,
  AckMessageResponse,
  ChangeInvisibleDurationRequest,
  EndTransactionRequest,
  ForwardMessageToDeadLetterQueueRequest,
  SendMessageRequest,
  SendMessageResponse,
} from '../../protocol-grpc/index.js';
import type { FaultTouched } from '../activity/fault.trace.js';

/** As many handles as an ack may carry (ack.handlers.ts refuses more). */
const MAX_TRACED_HANDLES = 1024;

export const FAULT_TOUCHES = {
  /** Only what was stored: an unacted publish (refused, reset before) touched no message. */
  SendMessage: (_req: SendMessageRequest, acted: SendMessageResponse | undefined): FaultTouched => {
    const ids: string[] = [];
    for (const e of acted?.entries ?? []) {
      if (e.status?.code === 'OK' && e.messageId !== undefined) ids.push(e.messageId);
    }
    return { ids };
  },
  /** The handles named; once the server acted, those it acked (a refused one is not the fault's). */
  AckMessage: (req: AckMessageRequest, acted: AckMessageResponse | undefined): FaultTouched => {
    const handles: string[] = [];
    if (acted !== undefined) {
      for (const e of acted.entries ?? []) {
        if (e.status?.code === 'OK' && e.receiptHandle !== undefined) handles.push(e.receiptHandle);
      }
      return { handles };
    }
    for (const e of (req.entries ?? []).slice(0, MAX_TRACED_HANDLES)) {
      const h = e.receiptHandle;
      if (h !== undefined && h !== '') handles.push(h);
    }
    return { handles };
  },
  ChangeInvisibleDuration: (req: ChangeInvisibleDurationRequest) => named(req.receiptHandle),
  ForwardMessageToDeadLetterQueue: (req: ForwardMessageToDeadLetterQueueRequest) =>
    named(req.receiptHandle),
  // Resolved by message id (its transaction id is the publish's handle; the id says it plainly).
  EndTransaction: (req: EndTransactionRequest): FaultTouched => ({
    ids: req.messageId !== undefined && req.messageId !== '' ? [req.messageId] : [],
  }),
} as const;

function named(handle: string | null | undefined): FaultTouched {
  return { handles: handle !== undefined && handle !== null && handle !== '' ? [handle] : [] };
}
