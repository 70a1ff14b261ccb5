/** ConformanceClient over this project's MQClient (lib/client). */
import { MQClient, MQServiceError } from '../../lib/client/index.js';
import type { MQAckResult, MQPublishInput, MQReceivedMessage } from '../../lib/client/index.js';
import type {
  ConformanceAckResult,
  ConformanceClient,
  ConformanceClientFactory,
  ConformanceMessage,
} from './conformance.client.js';

function toMessage(m: MQReceivedMessage): ConformanceMessage {
  const out: ConformanceMessage = {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    bodyMd5: m.bodyMd5,
    properties: m.properties,
    publishTime: m.publishTime,
    firstConsumeTime: m.firstConsumeTime,
    nextConsumeTime: m.nextConsumeTime,
    consumedTimes: m.consumedTimes,
  };
  if (m.tag !== undefined) out.tag = m.tag;
  if (m.key !== undefined) out.key = m.key;
  if (m.shardingKey !== undefined) out.shardingKey = m.shardingKey;
  return out;
}

function ackResult(result: MQAckResult): ConformanceAckResult {
  return { failed: result.failed.map((f) => ({ code: f.code, receiptHandle: f.receiptHandle })) };
}

export const mqClientFactory: ConformanceClientFactory = {
  name: 'nestjs-aliyun-mq MQClient',
  errorCode: (err) => (err instanceof MQServiceError ? err.code : undefined),
  create(endpoint, accessKeyId, accessKeySecret, instanceId): ConformanceClient {
    const client = new MQClient(endpoint, { accessKeyId, accessKeySecret }, { instanceId });
    return {
      async publish(topic, body, input) {
        const publishInput: MQPublishInput = { body };
        if (input?.tag !== undefined) publishInput.tag = input.tag;
        if (input?.key !== undefined) publishInput.key = input.key;
        if (input?.properties !== undefined) publishInput.properties = input.properties;
        if (input?.deliverAt !== undefined) publishInput.deliverAt = input.deliverAt;
        if (input?.shardingKey !== undefined) publishInput.shardingKey = input.shardingKey;
        if (input?.transCheckSeconds !== undefined) {
          publishInput.transCheckImmunitySeconds = input.transCheckSeconds;
        }
        const result = await client.publish(topic, publishInput);
        const out: { messageId: string; bodyMd5: string; receiptHandle?: string } = {
          messageId: result.messageId,
          bodyMd5: result.bodyMd5,
        };
        if (result.receiptHandle !== undefined) out.receiptHandle = result.receiptHandle;
        return out;
      },
      async consume(topic, group, input) {
        const options = {
          numOfMessages: input.max,
          ...(input.waitSeconds !== undefined ? { waitSeconds: input.waitSeconds } : {}),
          ...(input.tag !== undefined ? { tag: input.tag } : {}),
        };
        const messages = input.orderly
          ? await client.consumeOrderly(topic, group, options)
          : await client.consume(topic, group, options);
        return messages.map(toMessage);
      },
      async ack(topic, group, handles) {
        return ackResult(await client.ack(topic, group, handles));
      },
      async consumeHalf(topic, group, max) {
        return (await client.consumeHalf(topic, group, { numOfMessages: max })).map(toMessage);
      },
      async commit(topic, group, handle) {
        return ackResult(await client.commit(topic, group, handle));
      },
      async rollback(topic, group, handle) {
        return ackResult(await client.rollback(topic, group, handle));
      },
      close: () => client.close(),
    };
  },
};
