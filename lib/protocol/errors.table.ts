/**
 * Server error codes of PROTOCOL.md §6 with their HTTP status and message text.
 * Messages are the observed or documented wording (typos such as "Interal" included, on purpose);
 * where the docs give none (—), a short message in the same style was chosen.
 */

export type MQErrorCode =
  | 'MessageNotExist'
  | 'ReceiptHandleError'
  | 'MissingReceiptHandle'
  | 'TopicNotExist'
  | 'SubscriptionNotExist'
  | 'InvalidArgument'
  | 'MalformedXML'
  | 'InvalidContent'
  | 'InvalidDigest'
  | 'InvalidRequestURL'
  | 'InvalidQueryString'
  | 'MissingAuthorizationHeader'
  | 'InvalidAuthorizationHeader'
  | 'MissingDateHeader'
  | 'InvalidDateHeader'
  | 'TimeExpired'
  | 'SignatureDoesNotMatch'
  | 'InvalidAccessKeyId'
  | 'AccessDenied'
  | 'HTTPForbidden'
  | 'QpsLimitExceeded'
  | 'InternalError'
  | 'InternalServerError';

export interface MQErrorInfo {
  status: number;
  message: string;
  /** Worth retrying the same request later (server fault or throttling). */
  retryable: boolean;
}

export const MQ_ERRORS: Readonly<Record<MQErrorCode, MQErrorInfo>> = {
  MessageNotExist: { status: 404, message: 'Message not exist.', retryable: false },
  // 400 as a top-level <Error>; inside an ack <Errors> list the whole response is 404.
  ReceiptHandleError: {
    status: 400,
    message: 'The receipt handle you provide is not valid.',
    retryable: false,
  },
  MissingReceiptHandle: { status: 400, message: 'ReceiptHandle is required.', retryable: false },
  TopicNotExist: {
    status: 404,
    message: 'The topic you provided does not exist.',
    retryable: false,
  },
  SubscriptionNotExist: {
    status: 404,
    message: 'The subscription you provided does not exist.',
    retryable: false,
  },
  // Generic form; use invalidArgumentRangeMessage / schemaViolationMessage for the specific texts.
  InvalidArgument: {
    status: 400,
    message: 'The argument you provided is invalid.',
    retryable: false,
  },
  MalformedXML: { status: 400, message: 'The XML you provided is invalid', retryable: false },
  InvalidContent: {
    status: 400,
    message: 'The content you send may contains illegal characters.',
    retryable: false,
  },
  InvalidDigest: {
    status: 400,
    message: 'The Content-MD5 you specified is invalid.',
    retryable: false,
  },
  InvalidRequestURL: { status: 400, message: 'Http request URL format invalid.', retryable: false },
  InvalidQueryString: {
    status: 400,
    message: 'Http request URL contains invalid querystring item.',
    retryable: false,
  },
  MissingAuthorizationHeader: {
    status: 400,
    message: 'Authorization header is required.',
    retryable: false,
  },
  InvalidAuthorizationHeader: {
    status: 400,
    message: 'The Authorization header format is invalid.',
    retryable: false,
  },
  MissingDateHeader: { status: 400, message: 'Date header is required.', retryable: false },
  InvalidDateHeader: {
    status: 400,
    message: 'The Date header format is invalid.',
    retryable: false,
  },
  TimeExpired: {
    status: 408,
    message: 'The http request you sent is expired.',
    retryable: false,
  },
  SignatureDoesNotMatch: {
    status: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    retryable: false,
  },
  InvalidAccessKeyId: {
    status: 403,
    message: 'The AccessKey Id you provided is not exist.',
    retryable: false,
  },
  AccessDenied: {
    status: 403,
    message: 'The OwnerId that your Access Key Id associated to is forbidden for this operation.',
    retryable: false,
  },
  HTTPForbidden: { status: 403, message: 'Forbidden.', retryable: false },
  QpsLimitExceeded: { status: 429, message: 'Qps limit exceeded.', retryable: true },
  InternalError: { status: 500, message: 'Interal error.', retryable: true },
  InternalServerError: { status: 500, message: 'Interal error.', retryable: true },
};

/** True for codes worth retrying: server faults (5xx) and throttling. Unknown codes are not retryable. */
export function isRetryableCode(code: string): boolean {
  return Object.hasOwn(MQ_ERRORS, code) && MQ_ERRORS[code as MQErrorCode].retryable;
}

/** Type guard for the codes of the table. */
export function isMQErrorCode(code: string): code is MQErrorCode {
  return Object.hasOwn(MQ_ERRORS, code);
}

/** The cloud's range wording, e.g. `The value of numOfMessages should between 1 and 16.` */
export function invalidArgumentRangeMessage(
  element: string,
  low: number,
  high: number,
  unit?: 'seconds' | 'bytes',
): string {
  return `The value of ${element} should between ${low} and ${high}${unit === undefined ? '' : ' ' + unit}.`;
}

/** `InvalidQueryString` with the offending item, as documented. */
export function invalidQueryStringMessage(item: string): string {
  return `Http request URL contains invalid querystring item "${item}".`;
}
