// @ts-check
/**
 * The words of fault rules as the emulator knows them (lib/emulator/faults/fault.types.ts and
 * fault-rule.validate.ts). A unit test (test/unit/emulator/console-fault-vocabulary.spec.ts)
 * keeps these lists equal to the server's, so the form can neither offer what the server refuses
 * nor miss what it accepts. Which error codes are the protocol's own stays the server's call:
 * `SUGGESTED_CODES` only feeds the code field's suggestions.
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

/** Codes offered as suggestions (all are codes of the protocol, with their own status). */
export const SUGGESTED_CODES = [
  { code: 'InternalError', status: 500 },
  { code: 'QpsLimitExceeded', status: 429 },
  { code: 'MessageNotExist', status: 404 },
  { code: 'ReceiptHandleError', status: 400 },
  { code: 'TopicNotExist', status: 404 },
  { code: 'SubscriptionNotExist', status: 404 },
  { code: 'AccessDenied', status: 403 },
  { code: 'TimeExpired', status: 408 },
];

/** Longest delay or trickle interval the server accepts (MAX_FAULT_MS). */
export const MAX_FAULT_MS = 600_000;

/** An error code's shape (the server's `CODE`). */
export const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;
