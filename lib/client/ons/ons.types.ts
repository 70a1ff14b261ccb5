/** Public types of `OnsHttpClient`, the client of the 2017 ONS HTTP API (no Nest import). */

export interface OnsHttpClientOptions {
  /** Sockets to the endpoint (default 16). */
  connections?: number;
  /**
   * Whole-call deadline in ms (default 10 000): connecting, sending and reading the whole answer,
   * whatever the peer does. Overridable per call with `timeoutMs`.
   */
  requestTimeoutMs?: number;
  /** Keep-alive idle timeout in ms (default 30 000). */
  keepAliveTimeoutMs?: number;
  /** Appended to the User-Agent. */
  userAgent?: string;
}

export interface OnsCallOptions {
  signal?: AbortSignal;
  /** This call's deadline in ms, instead of `requestTimeoutMs`. */
  timeoutMs?: number;
}

export interface OnsPublishInput {
  /** Text (sent as UTF-8) or bytes; 1 byte to 64 KB (65 536 bytes). */
  body: string | Uint8Array;
  /** At most 128 characters. */
  tag?: string;
  /** Message key, at most 128 characters. */
  key?: string;
  /** Timer message: absolute delivery time (`startdelivertime`). */
  deliverAt?: Date | number;
  /** Ordered message: the partition key (sent with `isOrder: true`); printable ASCII, ≤ 128 chars. */
  shardingKey?: string;
}

export interface OnsPublishResult {
  messageId: string;
  /** `SEND_OK` when the message is stored; the service's other statuses are passed through. */
  sendStatus: string;
}

export interface OnsConsumeOptions extends OnsCallOptions {
  /** 1-32 messages at most (default 32). The API does not long-poll: [] comes back at once. */
  num?: number;
}

export interface OnsReceivedMessage {
  messageId: string;
  /** Pass to `delete` to remove the message before it becomes visible again. */
  msgHandle: string;
  body: string;
  /** Publish time, epoch ms (the wire's string, as a number). */
  bornTime: number;
  /** 0 on the first delivery, +1 per redelivery. */
  reconsumeTimes: number;
  tag?: string;
  key?: string;
}
