/** Public types of the MQ HTTP client (no Nest import). */

export interface MQCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token, sent as `security-token` (not signed). */
  securityToken?: string;
}

/** Called before every request (cache inside it if fetching is costly), so rotating STS tokens work. */
export type MQCredentialsProvider = () => MQCredentials | Promise<MQCredentials>;

export interface MQClientOptions {
  /** Instance id sent as `ns`; omit for the default instance. Overridable per call. */
  instanceId?: string;
  /** Sockets for publish/ack/commit/rollback (default 16). */
  connections?: number;
  /** Sockets for long polls (default 64); each poll holds one for up to 30 s. */
  pollConnections?: number;
  /**
   * Whole-call deadline of publish, ack, commit and rollback in ms (default 10 000): from the call
   * until the response is read, whatever the server does (a server that trickles its answer too).
   */
  requestTimeoutMs?: number;
  /** A long poll's deadline is waitSeconds * 1000 + this margin (default 5 000). */
  longPollMarginMs?: number;
  /** Keep-alive idle timeout in ms (default 30 000). */
  keepAliveTimeoutMs?: number;
  /**
   * Verify MessageBodyMD5 of publish responses and consumed messages (default true). RocketMQ 5:
   * verify the body digest of received messages.
   */
  verifyMd5?: boolean;
  /** RocketMQ 5 (`transport: 'grpc'`) only: dial the endpoint with TLS (default false). */
  tls?: boolean;
  /** Appended to the User-Agent. */
  userAgent?: string;
  /**
   * "Now" in epoch ms for the times the client computes: a `delayMs` timer's delivery time and the
   * 40-day horizon of `deliverAt` (default `Date.now`). Give it the broker's clock when that is not
   * the machine's, e.g. an emulator's virtual clock (`() => emulator.admin.now()`). Request
   * signatures keep the machine's time: the service checks the `Date` header against real time.
   */
  clock?: () => number;
}

export interface MQCallOptions {
  /**
   * Aborts the call: it rejects with MQAbortError. A consume whose response has already started
   * arriving completes instead (the server has handed those messages out already).
   */
  signal?: AbortSignal;
  /** Overrides the client's instanceId for this call. */
  instanceId?: string;
  /**
   * Shortens this call's whole-call deadline to this many ms (the default is `requestTimeoutMs`,
   * for a consume `waitSeconds` * 1000 + `longPollMarginMs`; a longer value changes nothing), e.g.
   * what is left of a retry budget. Past it the call rejects with MQTimeoutError.
   */
  timeoutMs?: number;
}

export interface MQPublishInput {
  /** Text, or bytes that must be valid UTF-8 text (XML carries text only: base64 binary payloads yourself). */
  body: string | Uint8Array;
  tag?: string;
  /** Message key (`KEYS`), for lookup; not the sharding key. */
  key?: string;
  /** User properties; keys/values must not contain & " ' < > : | and must be non-empty. */
  properties?: Record<string, string>;
  /** Absolute delivery time (timer message). Exclusive with delayMs. */
  deliverAt?: Date | number;
  /** Delivery delay from now in ms (timer message). Exclusive with deliverAt. */
  delayMs?: number;
  /** Sharding key for ordered topics. */
  shardingKey?: string;
  /** Makes this a transactional half message: seconds (10-300) before the first check. */
  transCheckImmunitySeconds?: number;
}

export interface MQPublishResult {
  messageId: string;
  /** Upper-case hex MD5 of the body, checked against ours. */
  bodyMd5: string;
  /** Only for transactional half messages: commit/rollback handle. */
  receiptHandle?: string;
  requestId: string;
}

export interface MQConsumeOptions extends MQCallOptions {
  /** 1-16, default 16. */
  numOfMessages?: number;
  /** 0-30 s, default 0 (short poll). */
  waitSeconds?: number;
  /** A tag or a list of tags (joined with `||`); omitted = all. Not used by consumeHalf. */
  tag?: string | string[];
}

export interface MQReceivedMessage {
  messageId: string;
  receiptHandle: string;
  bodyMd5: string;
  body: string;
  publishTime: number;
  firstConsumeTime: number;
  nextConsumeTime: number;
  /** Delivery count, from 1. */
  consumedTimes: number;
  tag?: string;
  key?: string;
  startDeliverTime?: number;
  transCheckImmunitySeconds?: number;
  shardingKey?: string;
  /** User properties only (reserved keys are in the typed fields above). */
  properties: Record<string, string>;
}

export interface MQAckFailure {
  receiptHandle: string;
  code: string;
  message: string;
}

export interface MQAckResult {
  /** Handles the server accepted. */
  acked: string[];
  /** Handles the server rejected (404 `<Errors>`), with the server's code. */
  failed: MQAckFailure[];
  requestId: string;
}
