/** Public options and handles of the emulator (subpath `nestjs-aliyun-mq/emulator`). */

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
  /** Durable append-only log in this directory; memory only when omitted. */
  dataDir?: string;
  timings?: Partial<EmulatorTimings>;
  /** Request/log lines; default silent when embedded. */
  logger?: (line: string) => void;
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
  nextConsumeTime?: number;
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
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:40123 */
  endpoint: string;
  /** `host:port` of the RocketMQ 5 gRPC front (e.g. 127.0.0.1:40124); undefined unless `grpcPort` was set. */
  grpcEndpoint?: string;
  credentials: EmulatorCredential;
  instanceId: string;
  admin: EmulatorAdmin;
  stop(): Promise<void>;
}
