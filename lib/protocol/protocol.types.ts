/**
 * Wire-level documents of the MQ HTTP protocol (PROTOCOL.md §4), as plain typed values.
 * Shared by the client (builds requests, parses responses) and the emulator (the reverse).
 */

/** Publish request `<Message>` (§4.2). `properties` is the raw `k:v|k:v|` string. */
export interface PublishRequestDoc {
  body: string;
  tag?: string;
  properties?: string;
}

/** Publish response `<Message>` (§4.3). `receiptHandle` only for transactional messages. */
export interface PublishResponseDoc {
  messageId: string;
  bodyMd5: string;
  receiptHandle?: string;
}

/** One `<Message>` of a consume response (§4.4). Times are epoch milliseconds. */
export interface ConsumedMessageDoc {
  messageId: string;
  receiptHandle: string;
  bodyMd5: string;
  body: string;
  publishTime: number;
  firstConsumeTime: number;
  nextConsumeTime: number;
  consumedTimes: number;
  tag?: string;
  /** Raw `k:v|k:v|` string, reserved keys included. */
  properties?: string;
}

/** Top-level `<Error>` (§4.7): all four children are always present. */
export interface ErrorDoc {
  code: string;
  message: string;
  requestId: string;
  hostId: string;
}

/** One item of an ack/commit/rollback partial failure `<Errors>` (§4.6). */
export interface AckErrorItem {
  code: string;
  message: string;
  receiptHandle: string;
}

/** A 4xx/5xx body is either a single `<Error>` or an ack `<Errors>` list. */
export type ErrorResponseDoc =
  { kind: 'error'; error: ErrorDoc } | { kind: 'errors'; items: AckErrorItem[] };

/** Properties with the reserved keys (§5) lifted into typed fields. */
export interface DecodedProperties {
  /** `KEYS` */
  messageKey?: string;
  /** `__STARTDELIVERTIME`, epoch ms */
  startDeliverTime?: number;
  /** `__TransCheckT`, seconds */
  transCheckImmunitySeconds?: number;
  /** `__SHARDINGKEY` */
  shardingKey?: string;
  /** Every non-reserved pair. */
  user: Record<string, string>;
}
