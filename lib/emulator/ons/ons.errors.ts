import { PropertyError } from '../../protocol/index.js';
import { ONS_ERRORS } from '../../protocol/ons/index.js';
import type { OnsErrorCode } from '../../protocol/ons/index.js';
import { BrokerError } from '../broker/broker.errors.js';
import { onsCodeFor } from '../faults/fault.codes.js';
import type { FaultAction } from '../faults/fault.types.js';

/**
 * A request the ONS front refuses. `closeConnection` is set when the request body was not read to
 * its end (a body far beyond any limit, or one the client holds back behind `Expect: 100-continue`).
 */
export class OnsRequestError extends Error {
  constructor(
    readonly code: OnsErrorCode,
    info?: string,
    readonly closeConnection = false,
  ) {
    super(info ?? ONS_ERRORS[code].info);
    this.name = 'OnsRequestError';
  }
}

export type OnsOperation = 'publish' | 'consume' | 'delete';

export interface OnsWireError {
  /** An ONS code, or an injected fault's code of your own. */
  code: string;
  status: number;
  info: string;
  closeConnection: boolean;
  /** The emulator itself failed (logged with its stack). */
  internal: boolean;
}

/** Maps anything thrown while serving an ONS request to its status and `{code, info}`. */
export function toOnsWireError(err: unknown, operation: OnsOperation | undefined): OnsWireError {
  if (err instanceof OnsRequestError) return wire(err.code, err.message, err.closeConnection);
  if (err instanceof BrokerError) {
    switch (err.code) {
      case 'TopicNotExist':
        return wire('TOPIC_NOT_EXIST', ONS_ERRORS.TOPIC_NOT_EXIST.info);
      case 'SubscriptionNotExist':
        return operation === 'publish'
          ? wire('PRODUCER_ID_NOT_EXIST', ONS_ERRORS.PRODUCER_ID_NOT_EXIST.info)
          : wire('CONSUMER_ID_NOT_EXIST', ONS_ERRORS.CONSUMER_ID_NOT_EXIST.info);
      case 'InternalError':
        // The broker is closed (the emulator is stopping): not a fault to log.
        return wire('INTERNAL_ERROR', err.message);
      default:
        return wire('SC_BAD_REQUEST', err.message);
    }
  }
  if (err instanceof PropertyError) return wire('SC_BAD_REQUEST', err.message);
  return { ...wire('INTERNAL_ERROR', ONS_ERRORS.INTERNAL_ERROR.info), internal: true };
}

function wire(code: OnsErrorCode, info: string, closeConnection = false): OnsWireError {
  return { code, status: ONS_ERRORS[code].status, info, closeConnection, internal: false };
}

/** An injected error as the ONS answer (a code of another protocol maps by status). */
export function injectedOnsError(action: Extract<FaultAction, { kind: 'error' }>): OnsWireError {
  const { code, status } = onsCodeFor(action);
  return {
    code,
    status,
    info: action.message ?? code,
    closeConnection: false,
    internal: false,
  };
}
