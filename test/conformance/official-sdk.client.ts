/** ConformanceClient over the UNCHANGED official Node SDK `@aliyunmq/mq-http-sdk` 1.0.4. */
import MQ from '@aliyunmq/mq-http-sdk';
import type { MessageProperties, SdkAckError, SdkMessage } from '@aliyunmq/mq-http-sdk';
import type {
  ConformanceAckResult,
  ConformanceClient,
  ConformanceClientFactory,
  ConformanceMessage,
  ConformancePublishInput,
} from './conformance.client.js';

function toMessage(m: SdkMessage): ConformanceMessage {
  const out: ConformanceMessage = {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.MessageBody,
    bodyMd5: m.MessageBodyMD5,
    properties: m.Properties,
    // The SDK returns every number as a string (PROTOCOL.md §8).
    publishTime: Number(m.PublishTime),
    firstConsumeTime: Number(m.FirstConsumeTime),
    nextConsumeTime: Number(m.NextConsumeTime),
    consumedTimes: Number(m.ConsumedTimes),
  };
  if (m.MessageTag !== undefined) out.tag = m.MessageTag;
  if (m.MessageKey !== undefined) out.key = m.MessageKey;
  if (m.ShardingKey !== undefined) out.shardingKey = m.ShardingKey;
  return out;
}

function ackResult(body: SdkAckError[] | undefined): ConformanceAckResult {
  return {
    failed: (body ?? []).map((e) => ({ code: e.ErrorCode, receiptHandle: e.ReceiptHandle })),
  };
}

function properties(input: ConformancePublishInput | undefined): MessageProperties | undefined {
  if (input === undefined) return undefined;
  const props = new MQ.MessageProperties();
  if (input.key !== undefined) props.messageKey(input.key);
  if (input.deliverAt !== undefined) props.startDeliverTime(input.deliverAt);
  if (input.shardingKey !== undefined) props.shardingKey(input.shardingKey);
  if (input.transCheckSeconds !== undefined) props.transCheckImmunityTime(input.transCheckSeconds);
  for (const [k, v] of Object.entries(input.properties ?? {})) props.putProperty(k, v);
  return props;
}

function isNotExist(err: unknown): boolean {
  return (err as { Code?: string }).Code === 'MessageNotExist';
}

export const officialSdkFactory: ConformanceClientFactory = {
  name: 'official @aliyunmq/mq-http-sdk 1.0.4',
  errorCode: (err) => (err as { Code?: string }).Code,
  create(endpoint, accessKeyId, accessKeySecret, instanceId): ConformanceClient {
    const client = new MQ.MQClient(endpoint, accessKeyId, accessKeySecret);
    const consume = async (
      topic: string,
      group: string,
      input: { max: number; waitSeconds?: number; tag?: string; orderly?: boolean },
    ): Promise<ConformanceMessage[]> => {
      const consumer = client.getConsumer(instanceId, topic, group, input.tag);
      try {
        const res = input.orderly
          ? await consumer.consumeMessageOrderly(input.max, input.waitSeconds)
          : await consumer.consumeMessage(input.max, input.waitSeconds);
        return res.body.map(toMessage);
      } catch (err) {
        if (isNotExist(err)) return [];
        throw err;
      }
    };
    return {
      async publish(topic, body, input) {
        const producer =
          input?.transCheckSeconds !== undefined
            ? client.getTransProducer(instanceId, topic, 'GID_unused_for_publish')
            : client.getProducer(instanceId, topic);
        const res = await producer.publishMessage(body, input?.tag, properties(input));
        if (res.code !== 201) throw new Error(`publish answered ${res.code}`);
        const out: { messageId: string; bodyMd5: string; receiptHandle?: string } = {
          messageId: res.body.MessageId,
          bodyMd5: res.body.MessageBodyMD5,
        };
        if (res.body.ReceiptHandle !== undefined) out.receiptHandle = res.body.ReceiptHandle;
        return out;
      },
      consume,
      async ack(topic, group, handles) {
        const res = await client.getConsumer(instanceId, topic, group).ackMessage(handles);
        return ackResult(res.body);
      },
      async consumeHalf(topic, group, max) {
        try {
          const res = await client
            .getTransProducer(instanceId, topic, group)
            .consumeHalfMessage(max);
          return res.body.map(toMessage);
        } catch (err) {
          if (isNotExist(err)) return [];
          throw err;
        }
      },
      async commit(topic, group, handle) {
        return ackResult(
          (await client.getTransProducer(instanceId, topic, group).commit(handle)).body,
        );
      },
      async rollback(topic, group, handle) {
        return ackResult(
          (await client.getTransProducer(instanceId, topic, group).rollback(handle)).body,
        );
      },
      close: () => Promise.resolve(),
    };
  },
};
