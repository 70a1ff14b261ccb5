/**
 * The opaque receipt handle of a RocketMQ 5 half message: EndTransaction needs the message id, the
 * transaction id and whether a check asked (SOURCE_SERVER_CHECK) or the producer decides on its
 * own (SOURCE_CLIENT). The Nest layer hands the handle back to commit/rollback unchanged.
 */
import { MQInvalidArgumentError } from '../../client/client.errors.js';

const PREFIX = 'rmq5tx:';

export type TransactionSourceTag = 'client' | 'check';

export interface TransactionHandle {
  source: TransactionSourceTag;
  messageId: string;
  transactionId: string;
}

export function encodeTransactionHandle(handle: TransactionHandle): string {
  return `${PREFIX}${handle.source}:${handle.messageId}:${handle.transactionId}`;
}

export function decodeTransactionHandle(value: string): TransactionHandle {
  if (typeof value === 'string' && value.startsWith(PREFIX)) {
    const rest = value.slice(PREFIX.length);
    const first = rest.indexOf(':');
    const second = first < 0 ? -1 : rest.indexOf(':', first + 1);
    if (second > first + 1 && second < rest.length - 1) {
      const source = rest.slice(0, first);
      if (source === 'client' || source === 'check') {
        return {
          source,
          messageId: rest.slice(first + 1, second),
          transactionId: rest.slice(second + 1),
        };
      }
    }
  }
  throw new MQInvalidArgumentError(
    'receiptHandle',
    'is not the handle of a RocketMQ 5 half message (from a transactional publish or a check)',
  );
}
