// @ts-check
/**
 * The words of fault rules as the emulator knows them (lib/emulator/faults/fault.types.ts and
 * fault-rule.validate.ts). A unit test (test/unit/emulator/console-fault-vocabulary.spec.ts)
 * keeps these lists equal to the server's, so the form can neither offer what the server refuses
 * nor miss what it accepts. Which error codes a front takes (and the statuses that bridge them)
 * stays the server's call: `SUGGESTED_CODES` only feeds the code field's suggestions.
 */

/** @type {{ value: string, label: string }[]} */
export const FRONTS = [
  { value: 'http', label: 'MQ HTTP protocol (http)' },
  { value: 'grpc', label: 'RocketMQ 5 gRPC (grpc)' },
  { value: 'ons', label: 'ONS HTTP API, 2017 (ons)' },
];

export const OPERATIONS = [
  'publish',
  'consume',
  'ack',
  'commit',
  'rollback',
  'changeInvisibleDuration',
  'queryRoute',
  'queryAssignment',
  'heartbeat',
  'notifyClientTermination',
  'forwardToDeadLetterQueue',
  'telemetry',
];

/**
 * Action kinds with what the client sees and whether the server acts (README, Fault injection).
 * @type {{ value: string, label: string, hint: string }[]}
 */
export const ACTIONS = [
  { value: 'error', label: 'Error', hint: 'answers an error document; the server does not act' },
  { value: 'delay', label: 'Delay', hint: 'the normal answer, later; the server acts' },
  { value: 'reset', label: 'Reset', hint: 'the connection is reset, before or after acting' },
  { value: 'drop', label: 'Drop', hint: 'the server acts; the answer never comes' },
  { value: 'stall', label: 'Stall', hint: 'the server acts; status and headers, then nothing' },
  { value: 'trickle', label: 'Trickle', hint: 'the server acts; the answer one byte at a time' },
];

/**
 * Codes offered as suggestions, per front (each front has its own codes; see the server's
 * fault.codes.ts), with the HTTP status the emulator fills in (none on the gRPC front: the code is
 * what the client sees). A rule for any front may use any of them but those with `only` (an
 * operation they need on their front).
 * @type {Record<string, { code: string, status?: number, only?: string }[]>}
 */
export const SUGGESTED_CODES = {
  http: [
    { code: 'InternalError', status: 500 },
    { code: 'QpsLimitExceeded', status: 429 },
    { code: 'MessageNotExist', status: 404 },
    { code: 'ReceiptHandleError', status: 400 },
    { code: 'TopicNotExist', status: 404 },
    { code: 'SubscriptionNotExist', status: 404 },
    { code: 'AccessDenied', status: 403 },
    { code: 'TimeExpired', status: 408 },
  ],
  grpc: [
    { code: 'INTERNAL_SERVER_ERROR' },
    { code: 'TOO_MANY_REQUESTS' },
    { code: 'PROXY_TIMEOUT' },
    { code: 'FORBIDDEN' },
    { code: 'UNAVAILABLE' },
    { code: 'DEADLINE_EXCEEDED' },
    { code: 'MESSAGE_NOT_FOUND', only: 'consume' },
  ],
  ons: [
    { code: 'INTERNAL_ERROR', status: 500 },
    { code: 'SC_BAD_REQUEST', status: 400 },
    { code: 'TOPIC_NOT_EXIST', status: 400 },
    { code: 'MSG_HANDLE_EXPIRED', status: 400 },
    { code: 'SIGNATURE_INVALID', status: 403 },
  ],
};

/** Longest delay or trickle interval the server accepts (MAX_FAULT_MS). */
export const MAX_FAULT_MS = 600_000;

/** An error code's shape (the server's `CODE`). */
export const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;
