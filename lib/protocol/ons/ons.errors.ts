/**
 * Error answers of the 2017 ONS HTTP API: a status and, for 400, a JSON `{"code":…,"info":…}` body.
 * `BODY_TOO_BIG` and `SC_BAD_REQUEST` are the service's own codes; the others are the emulator's
 * names for answers the old documentation gives only as a status (docs/emulator.md lists them).
 */

export type OnsErrorCode =
  | 'BODY_TOO_BIG'
  | 'SC_BAD_REQUEST'
  | 'TOPIC_NOT_EXIST'
  | 'PRODUCER_ID_NOT_EXIST'
  | 'CONSUMER_ID_NOT_EXIST'
  | 'MSG_HANDLE_INVALID'
  | 'MSG_HANDLE_EXPIRED'
  | 'ACCESS_KEY_INVALID'
  | 'SIGNATURE_INVALID'
  | 'TIME_EXPIRED'
  | 'INTERNAL_ERROR';

export interface OnsErrorInfo {
  status: number;
  info: string;
  retryable: boolean;
}

export const ONS_ERRORS: Readonly<Record<OnsErrorCode, OnsErrorInfo>> = {
  BODY_TOO_BIG: {
    status: 400,
    info: 'Message body size exceeds the upper limit of 64KB',
    retryable: false,
  },
  SC_BAD_REQUEST: { status: 400, info: 'The request is invalid', retryable: false },
  TOPIC_NOT_EXIST: { status: 400, info: 'The topic does not exist', retryable: false },
  PRODUCER_ID_NOT_EXIST: { status: 400, info: 'The ProducerID does not exist', retryable: false },
  CONSUMER_ID_NOT_EXIST: { status: 400, info: 'The ConsumerID does not exist', retryable: false },
  MSG_HANDLE_INVALID: {
    status: 400,
    info: 'parameter:msgHandle is not a message handle of this topic',
    retryable: false,
  },
  MSG_HANDLE_EXPIRED: {
    status: 400,
    info: 'The message handle has expired, was already used, or belongs to another ConsumerID',
    retryable: false,
  },
  ACCESS_KEY_INVALID: { status: 403, info: 'The AccessKey is unknown', retryable: false },
  SIGNATURE_INVALID: {
    status: 403,
    info: 'The Signature does not match the request',
    retryable: false,
  },
  TIME_EXPIRED: {
    status: 403,
    info: 'The time parameter is too far from the server time',
    retryable: false,
  },
  INTERNAL_ERROR: { status: 500, info: 'Internal error', retryable: true },
};

/** The service's wording for a missing or empty parameter or header (seen in the wild). */
export function onsMissingParameterInfo(name: string): string {
  return `parameter:${name} is invalid,can not be null or empty`;
}

/** Is a received code a known ONS code? */
export function isOnsErrorCode(code: string): code is OnsErrorCode {
  return Object.prototype.hasOwnProperty.call(ONS_ERRORS, code);
}
