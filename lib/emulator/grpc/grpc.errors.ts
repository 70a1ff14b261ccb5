/**
 * What a failure becomes on the gRPC front. Like the RocketMQ 5 proxy, request failures are answered
 * INSIDE the response (`status` with a RocketMQ code, gRPC status OK); only transport-level problems
 * use a gRPC error status.
 */
import { RocketMQStatusError, type RocketMQCode } from '../../protocol-grpc/index.js';
import { BrokerError } from '../broker/broker.errors.js';

export interface FrontStatus {
  code: RocketMQCode;
  message: string;
  /** Not a client mistake: the emulator failed (logged; answered INTERNAL_SERVER_ERROR). */
  internal: boolean;
}

/** Throws a RocketMQ status (shorthand for handlers). */
export function fail(code: RocketMQCode, message: string): never {
  throw new RocketMQStatusError(code, message);
}

/** Maps anything thrown while serving a call to the status the proxy would answer. */
export function toFrontStatus(err: unknown): FrontStatus {
  if (err instanceof RocketMQStatusError)
    return { code: err.code, message: err.message, internal: false };
  if (err instanceof BrokerError) {
    switch (err.code) {
      case 'TopicNotExist':
        return { code: 'TOPIC_NOT_FOUND', message: 'topic does not exist', internal: false };
      case 'SubscriptionNotExist':
        return {
          code: 'CONSUMER_GROUP_NOT_FOUND',
          message: 'consumer group does not exist',
          internal: false,
        };
      case 'MessageNotExist':
        return {
          code: 'INVALID_RECEIPT_HANDLE',
          message: 'receipt handle is expired',
          internal: false,
        };
      case 'ReceiptHandleError':
        return {
          code: 'INVALID_RECEIPT_HANDLE',
          message: 'receipt handle is invalid',
          internal: false,
        };
      case 'InvalidArgument':
        return { code: 'BAD_REQUEST', message: err.message, internal: false };
      default:
        return { code: 'INTERNAL_SERVER_ERROR', message: err.message, internal: false };
    }
  }
  const detail = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL_SERVER_ERROR',
    message: `emulator internal error: ${detail}`,
    internal: true,
  };
}

/** The per-entry status of an ack-like broker error item. */
export function handleStatus(code: string): { code: RocketMQCode; message: string } {
  return code === 'MessageNotExist'
    ? { code: 'INVALID_RECEIPT_HANDLE', message: 'receipt handle is expired' }
    : { code: 'INVALID_RECEIPT_HANDLE', message: 'receipt handle is invalid' };
}
