import { MQ_ERRORS, type MQErrorCode } from '../../protocol/index.js';

/** A request-level failure the HTTP front turns into the cloud's `<Error>` document. */
export class BrokerError extends Error {
  readonly code: MQErrorCode;

  constructor(code: MQErrorCode, message?: string) {
    super(message ?? MQ_ERRORS[code].message);
    this.name = 'BrokerError';
    this.code = code;
  }
}
