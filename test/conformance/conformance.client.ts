/**
 * The operations the conformance scenarios need, implemented once per real client (the unchanged
 * official Node SDK, and our MQClient), so both are held to exactly the same expectations.
 */
export interface ConformancePublishInput {
  tag?: string;
  key?: string;
  properties?: Record<string, string>;
  deliverAt?: number;
  shardingKey?: string;
  transCheckSeconds?: number;
}

export interface ConformanceMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  bodyMd5: string;
  tag?: string;
  key?: string;
  shardingKey?: string;
  properties: Record<string, string>;
  publishTime: number;
  firstConsumeTime: number;
  nextConsumeTime: number;
  consumedTimes: number;
}

export interface ConformanceAckResult {
  failed: { code: string; receiptHandle: string }[];
}

export interface ConformanceConsumeInput {
  max: number;
  waitSeconds?: number;
  tag?: string;
  orderly?: boolean;
}

export interface ConformanceClient {
  publish(
    topic: string,
    body: string,
    input?: ConformancePublishInput,
  ): Promise<{ messageId: string; bodyMd5: string; receiptHandle?: string }>;
  /** [] when the server answers MessageNotExist. */
  consume(
    topic: string,
    group: string,
    input: ConformanceConsumeInput,
  ): Promise<ConformanceMessage[]>;
  ack(topic: string, group: string, handles: string[]): Promise<ConformanceAckResult>;
  consumeHalf(topic: string, group: string, max: number): Promise<ConformanceMessage[]>;
  commit(topic: string, group: string, handle: string): Promise<ConformanceAckResult>;
  rollback(topic: string, group: string, handle: string): Promise<ConformanceAckResult>;
  close(): Promise<void>;
}

export interface ConformanceClientFactory {
  name: string;
  create(
    endpoint: string,
    accessKeyId: string,
    accessKeySecret: string,
    instanceId: string,
  ): ConformanceClient;
  /** The server error code carried by an error this client threw. */
  errorCode(err: unknown): string | undefined;
}
