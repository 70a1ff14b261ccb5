/**
 * The official Node SDK (`@aliyunmq/mq-http-sdk` 1.0.4, CommonJS, no type declarations), used
 * exactly as its README and samples show. Loaded with createRequire and typed here by hand, only
 * for the calls the benchmark makes.
 */
import { createRequire } from 'node:module';
import type { BenchCredentials } from './presigned.request.js';

interface SdkResponse<TBody> {
  code: number;
  requestId: string;
  body: TBody;
}

interface SdkProducer {
  publishMessage(body: string, tag?: string): Promise<SdkResponse<{ MessageId: string }>>;
}

interface SdkMessage {
  MessageId: string;
  ReceiptHandle: string;
  MessageBody: string;
}

interface SdkConsumer {
  consumeMessage(numOfMessages: number, waitSeconds?: number): Promise<SdkResponse<SdkMessage[]>>;
  /** `body` lists the failed handles (as `{ ErrorCode, ReceiptHandle }`) on a partial failure. */
  ackMessage(receiptHandles: string[]): Promise<SdkResponse<unknown[] | undefined>>;
}

interface SdkClient {
  getProducer(instanceId: string, topic: string): SdkProducer;
  getConsumer(instanceId: string, topic: string, consumer: string, tag?: string): SdkConsumer;
}

interface SdkModule {
  MQClient: new (endpoint: string, accessKeyId: string, accessKeySecret: string) => SdkClient;
}

const require = createRequire(import.meta.url);
const sdk = require('@aliyunmq/mq-http-sdk') as SdkModule;

export function officialClient(endpoint: string, credentials: BenchCredentials): SdkClient {
  return new sdk.MQClient(endpoint, credentials.accessKeyId, credentials.accessKeySecret);
}

/** The SDK's publish, checked for 201 (it throws on an `<Error>` body itself). */
export function officialPublisher(
  client: SdkClient,
  topic: string,
  body: string,
): () => Promise<void> {
  const producer = client.getProducer('', topic);
  return async () => {
    const response = await producer.publishMessage(body, '');
    if (response.code !== 201)
      throw new Error(`official SDK publish answered HTTP ${response.code}`);
  };
}

/** The SDK's error for an empty long poll (404 MessageNotExist). */
function isMessageNotExist(error: unknown): boolean {
  return (error as { Code?: unknown } | null)?.Code === 'MessageNotExist';
}

/**
 * The README's consume loop: consume up to `batch` with a long poll, handle each message, ack the
 * batch's handles in one call, and treat MessageNotExist as "nothing yet". Stops after `total`
 * messages are acked; `onMessage` is called for each delivery.
 */
export async function officialConsumeLoop(
  client: SdkClient,
  topic: string,
  group: string,
  options: {
    total: number;
    batch: number;
    waitSeconds: number;
    onMessage: (m: SdkMessage) => void;
  },
): Promise<void> {
  const consumer = client.getConsumer('', topic, group);
  let acked = 0;
  while (acked < options.total) {
    let messages: SdkMessage[];
    try {
      messages = (await consumer.consumeMessage(options.batch, options.waitSeconds)).body;
    } catch (error) {
      if (isMessageNotExist(error)) continue;
      throw error;
    }
    const handles: string[] = [];
    for (const message of messages) {
      options.onMessage(message);
      handles.push(message.ReceiptHandle);
    }
    const result = await consumer.ackMessage(handles);
    const failed = Array.isArray(result.body) ? result.body.length : 0;
    if (failed > 0) throw new Error(`official SDK ack: ${failed} handle(s) failed`);
    acked += handles.length;
  }
}
