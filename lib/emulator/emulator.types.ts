/** Public options and handles of the emulator (subpath `nestjs-aliyun-mq/emulator`). */
import type {
  EmulatorFaultOptions,
  EmulatorFaults,
  FaultAction,
  FaultFront,
  FaultOperation,
} from './faults/fault.types.js';

/** Every time constant of the broker, in ms unless named otherwise. All configurable. */
export interface EmulatorTimings {
  /** Invisibility after a normal consume (default 300 000). */
  invisibilityMs: number;
  /** Invisibility after an orderly consume (default 60 000). */
  orderlyInvisibilityMs: number;
  /** Invisibility of a half message after a trans=pop check (default 10 000). */
  halfInvisibilityMs: number;
  /** Retries before a message goes to the group's dead-letter queue (default 288). */
  maxRetries: number;
  /** Message retention (default 3 days). */
  retentionMs: number;
  /** Unresolved half messages are rolled back after this (default 24 h). */
  halfMaxAgeMs: number;
  /** Allowed Date header skew (default 15 min). */
  maxDateSkewMs: number;
  /** Largest accepted waitseconds (default 30). */
  maxWaitSeconds: number;
  /** A connection whose request headers are not complete by then is closed (default 10 000). */
  headersTimeoutMs: number;
  /**
   * A request not received completely (headers and body) by then is closed (default 30 000).
   * Receiving only: a long poll waits up to `maxWaitSeconds` after its request has arrived.
   */
  requestTimeoutMs: number;
  /** Old ONS HTTP API (`/message/`): allowed distance of the signed `time` from real time (default 15 000). */
  onsMaxTimeSkewMs: number;
}

export interface EmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface EmulatorTopicDeclaration {
  name: string;
  /** Instance id (`ns`); omitted = the emulator's `instanceId`, '' = the default (no-ns) instance. */
  instanceId?: string;
  type?: 'normal' | 'orderly' | 'transactional' | 'delay';
}

export interface EmulatorGroupDeclaration {
  id: string;
  /** Omitted = the emulator's `instanceId`, '' = the default (no-ns) instance. */
  instanceId?: string;
  /**
   * A RocketMQ 5 FIFO (ordered) consumer group: gRPC consumers get each message group in order, one
   * at a time (default false). HTTP consumers choose orderly consumption per request instead.
   */
  fifo?: boolean;
}

export interface EmulatorOptions {
  /** 0 = any free port (default 0 embedded, 9876 for the CLI). */
  port?: number;
  /**
   * Also serve the RocketMQ 5 gRPC protocol (`apache.rocketmq.v2.MessagingService`, plaintext) on
   * this port, on the same broker; 0 = any free port. Off when omitted.
   */
  grpcPort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** 'real' (default) or 'virtual' (moves only when advanced). */
  clock?: 'real' | 'virtual';
  /** Start time of a virtual clock, epoch ms (default: real now). */
  startTime?: number;
  /** 'strict' (default): signatures, Date skew and Content-MD5 verified. 'off': nothing checked. */
  auth?: 'strict' | 'off';
  /** Accepted credentials (default: the development credentials). */
  credentials?: EmulatorCredential[];
  /** Instance id printed in the banner and returned by startEmulator (default 'MQ_INST_emulator'). */
  instanceId?: string;
  /** Create topics and groups on first use (default true). false = strict: only declared ones exist. */
  autoCreate?: boolean;
  topics?: EmulatorTopicDeclaration[];
  groups?: EmulatorGroupDeclaration[];
  /** Durable append-only log in this directory (message bodies on disk too); memory only when omitted. */
  dataDir?: string;
  /**
   * Retention budget (a deviation from the cloud, which keeps everything for 3 days): at most this
   * many retained messages (default 100 000). Over budget, messages every group has acked go
   * first, oldest first; then the oldest messages whatever their state, with a warning.
   */
  maxRetainedMessages?: number;
  /** Retention budget in bytes of retained message bodies (default 256 MiB), same policy. */
  maxRetainedBytes?: number;
  timings?: Partial<EmulatorTimings>;
  /** Fault injection: a seed and rules active from the start (more can be added at run time). */
  faults?: EmulatorFaultOptions;
  /** Request/log lines; default silent when embedded. */
  logger?: (line: string) => void;
  /**
   * Lines handed to `logger`: `'warn'` (warnings only: no line per request, none is even built),
   * `'info'` (also one line per request), `'debug'` (also debug lines; the default).
   */
  logLevel?: 'warn' | 'info' | 'debug';
  /**
   * The web console at `/_emulator/ui/`, its live stream, message history and consumer registry
   * (default true). false turns them all off; the admin API stays.
   */
  console?: boolean;
  /**
   * Token the admin API and the console require (`Authorization: Bearer <token>`). Default: none
   * on loopback; a random one (see `RunningEmulator.adminToken`) when `host` is not loopback.
   */
  adminToken?: string;
}

export interface EmulatorMessageView {
  messageId: string;
  body: string;
  tag?: string;
  properties: Record<string, string>;
  publishTime: number;
  /** ready | delayed | inflight | half | deadletter */
  state: string;
  group?: string;
  consumedTimes: number;
  /** In flight: NextConsumeTime; timer: due time; half: end of immunity or of the check. */
  nextConsumeTime?: number;
  /** In flight: the receipt handle of the current delivery (half: of the check or the publish). */
  receiptHandle?: string;
}

/** A search hit: where a message is and what matched. */
export interface EmulatorMessageSummary {
  instanceId: string;
  topic: string;
  messageId: string;
  tag?: string;
  /** The `KEYS` property. */
  key?: string;
  publishTime: number;
  /** live | delayed | half | deadletter | gone (only the console's history remembers it) */
  state: string;
  /** Dead letters: the group. */
  group?: string;
  matched: 'id' | 'key' | 'tag';
}

/** One step of a message's life (see `EmulatorAdmin.message`). */
export interface EmulatorLifeEvent {
  /** Emulator time (the virtual clock when there is one). */
  at: number;
  /**
   * published | timerDue | delivered | invisibilityChanged (same attempt, new handle: gRPC
   * ChangeInvisibleDuration) | expired (not acked by its NextConsumeTime) | acked |
   * deadLettered | resent | deadLetterPurged | checked (transaction check) | committed |
   * rolledBack | retentionEnded | purged | faultInjected (a fault applied to a request that
   * carried this message: its publish, a consume answer with this delivery, an ack of it)
   */
  kind: string;
  group?: string;
  /** ConsumedTimes of a delivery (1 = first delivery), or the number of a transaction check. */
  attempt?: number;
  receiptHandle?: string;
  nextConsumeTime?: number;
  mode?: 'normal' | 'orderly' | 'half';
  /** `faultInjected` only: which rule did what to which request. */
  fault?: EmulatorLifeFault;
}

/** A fault applied to a request that carried a message (see `EmulatorLifeEvent.fault`). */
export interface EmulatorLifeFault {
  ruleId: string;
  front: FaultFront;
  operation: FaultOperation;
  action: FaultAction;
  /**
   * The server acted on the request (stored, delivered, acked) and the fault hit its answer or
   * delayed it; false when the request was refused or cut before (error, reset before, or the
   * client left during a delay).
   */
  acted: boolean;
}

/** A message as the broker holds it now, and its recorded life. */
export interface EmulatorMessageLife {
  instanceId: string;
  topic: string;
  messageId: string;
  tag?: string;
  key?: string;
  properties: Record<string, string>;
  /** Absent when the broker holds neither the message nor a dead-letter copy any more. */
  body?: string;
  publishTime: number;
  /** The trace id of a W3C `traceparent` property, when the message carries one. */
  traceId?: string;
  /** live | delayed | half | gone */
  state: string;
  /** Per group now: ready, inflight (with handle), acked, deadletter; or the half view. */
  views: EmulatorMessageView[];
  timeline: EmulatorLifeEvent[];
  /** Timeline entries left out because the message's history reached its bound. */
  truncated: number;
  /** False when no history was recorded (console off, evicted, or from before a restart). */
  recorded: boolean;
}

export interface EmulatorGroupStats {
  instanceId: string;
  topic: string;
  group: string;
  ready: number;
  inflight: number;
  delayed: number;
  deadLetter: number;
}

export interface EmulatorTopicStats {
  instanceId: string;
  topic: string;
  type: string;
  messages: number;
  delayed: number;
  half: number;
}

/** A message sent from the admin API or the console (a normal publish, validated the same way). */
export interface EmulatorTestMessage {
  topic: string;
  body: string;
  /** Omitted = the emulator's `instanceId`; '' = the default instance. */
  instanceId?: string;
  tag?: string;
  /** Sent as the `KEYS` property. */
  key?: string;
  properties?: Record<string, string>;
  /** Timer message: delivered this many ms from now (sets `__STARTDELIVERTIME`). */
  delayMs?: number;
}

/** Dead letters of one group for one topic; without `messageIds`, all of them. */
export interface EmulatorDeadLetterSelection {
  topic: string;
  group: string;
  instanceId?: string;
  messageIds?: string[];
}

/** A consumer that polled recently (any protocol front). Times are wall-clock epoch ms. */
export interface EmulatorConsumerSeen {
  protocol: 'http' | 'grpc' | 'ons';
  clientId: string;
  instanceId: string;
  topic: string;
  group: string;
  agent?: string;
  firstSeen: number;
  lastPoll: number;
  polls: number;
  /** Consume requests being served right now (parked long polls). */
  waiting: number;
}

export interface EmulatorAdmin {
  /** Current emulator time (epoch ms). */
  now(): number;
  /** Virtual clock only: moves time forward and fires everything that became due. */
  advance(ms: number): void;
  /** Virtual clock only: jumps to an absolute time (never backwards). */
  setTime(epochMs: number): void;
  /** Drops every message, delivery and waiter state (resources stay). */
  reset(): void;
  topics(): EmulatorTopicStats[];
  groups(): EmulatorGroupStats[];
  /** Looks at messages without changing anything. */
  peek(query: {
    topic: string;
    instanceId?: string;
    group?: string;
    state?: string;
    limit?: number;
  }): EmulatorMessageView[];
  deadLetters(query: { topic: string; group: string; instanceId?: string }): EmulatorMessageView[];
  /** Publishes a message as a producer would (tag, key, properties, delay). */
  publish(message: EmulatorTestMessage): { messageId: string; bodyMd5: string };
  /** Drops every message of the topic (ready, in flight, timer, half); returns how many. */
  purgeTopic(query: { topic: string; instanceId?: string }): number;
  /**
   * Gives dead letters back to their group only, with fresh retries (ConsumedTimes from 0).
   * A dead letter whose message is past retention cannot be resent and is listed in `failed`.
   */
  resendDeadLetters(selection: EmulatorDeadLetterSelection): {
    resent: string[];
    failed: { messageId: string; reason: string }[];
  };
  /** Deletes dead letters; returns how many. */
  purgeDeadLetters(selection: EmulatorDeadLetterSelection): number;
  /** Messages whose id, key (`KEYS`) or tag equals `text`, across instances unless one is given. */
  search(query: {
    text: string;
    instanceId?: string;
    topic?: string;
    limit?: number;
  }): EmulatorMessageSummary[];
  /** One message now (per group) and its life as a timeline; undefined when unknown. */
  message(
    messageId: string,
    where?: { instanceId?: string; topic?: string },
  ): EmulatorMessageLife | undefined;
  /** Consumers seen recently by any front (empty when the console is off). */
  consumers(): EmulatorConsumerSeen[];
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:40123 */
  endpoint: string;
  /** `host:port` of the RocketMQ 5 gRPC front (e.g. 127.0.0.1:40124); undefined unless `grpcPort` was set. */
  grpcEndpoint?: string;
  credentials: EmulatorCredential;
  instanceId: string;
  admin: EmulatorAdmin;
  /** Fault injection rules and counters (also under `/_emulator/faults`). */
  faults: EmulatorFaults;
  /** The console's address (with `#token=…` when a token is required); undefined when off. */
  consoleUrl: string | undefined;
  /** The token the admin API requires, or undefined when it requires none (loopback). */
  adminToken: string | undefined;
  stop(): Promise<void>;
}
