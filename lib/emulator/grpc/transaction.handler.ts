/**
 * EndTransaction: commits or rolls back a half message by its message id, whenever the producer
 * answers (from the Transaction object after sending, or from its checker after a check). As with the
 * proxy, whose end-transaction call to the broker is one-way, the answer is OK even when the message
 * is no longer a half message (already resolved, rolled back after its maximum age, unknown).
 */
import {
  OK_STATUS,
  type EndTransactionRequest,
  type EndTransactionResponse,
} from '../../protocol-grpc/index.js';
import { fail } from './grpc.errors.js';
import type { GrpcFront } from './grpc.front.js';
import type { RequestContext } from './request.context.js';
import { checkTopic } from './resource.rules.js';

export function endTransaction(
  front: GrpcFront,
  req: EndTransactionRequest,
  rc: RequestContext,
): EndTransactionResponse {
  const topic = checkTopic(req.topic);
  if ((req.transactionId ?? '').trim() === '') {
    fail('INVALID_TRANSACTION_ID', 'transaction id cannot be empty');
  }
  const messageId = req.messageId ?? '';
  if (messageId === '') fail('ILLEGAL_MESSAGE_ID', 'message id cannot be empty');
  const resolution = req.resolution;
  const action =
    resolution === 'COMMIT' || resolution === 1
      ? 'commit'
      : resolution === 'ROLLBACK' || resolution === 2
        ? 'rollback'
        : undefined;
  // TRANSACTION_RESOLUTION_UNSPECIFIED: the producer does not know yet; the message stays half.
  if (action === undefined) return { status: OK_STATUS };
  const resolved = front.broker.endTransaction(rc.ns, topic, messageId, action);
  if (!resolved && front.log.enabled) {
    front.log.debug(
      `gRPC EndTransaction ${action} of ${messageId} on ${topic}: no such half message`,
    );
  }
  return { status: OK_STATUS };
}
