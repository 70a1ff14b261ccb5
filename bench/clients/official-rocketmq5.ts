/**
 * The official RocketMQ 5 Node client (`rocketmq-client-nodejs` 1.0.8), used as its README shows:
 * Producer.send, the SimpleConsumer loop (receive a batch, ack each message) and a PushConsumer
 * whose listener returns SUCCESS. Clients get a silent logger: the default one writes files under
 * $HOME and keeps a timer alive.
 */
import {
  ConsumeResult,
  Producer,
  PushConsumer,
  SimpleConsumer,
  type MessageView,
} from 'rocketmq-client-nodejs';
import type { BenchCredentials } from './presigned.request.js';

export interface Rmq5Target {
  /** host:port of the gRPC front. */
  endpoint: string;
  namespace: string;
  credentials: BenchCredentials;
}

const SILENT = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

function base(target: Rmq5Target) {
  return {
    endpoints: target.endpoint,
    namespace: target.namespace,
    sessionCredentials: {
      accessKey: target.credentials.accessKeyId,
      accessSecret: target.credentials.accessKeySecret,
    },
    logger: SILENT,
  };
}

export async function officialRmq5Producer(target: Rmq5Target, topic: string): Promise<Producer> {
  const producer = new Producer({ ...base(target), topic });
  await producer.startup();
  return producer;
}

/**
 * The README's SimpleConsumer loop until `total` messages were received and acked: receive up to
 * `batch` (long poll `waitSeconds`), then ack each message in turn.
 */
export async function officialSimpleConsumeLoop(
  target: Rmq5Target,
  topic: string,
  group: string,
  options: { total: number; batch: number; waitSeconds: number; onMessage(): void },
): Promise<void> {
  const consumer = new SimpleConsumer({
    ...base(target),
    consumerGroup: group,
    subscriptions: new Map([[topic, '*']]),
    awaitDuration: options.waitSeconds * 1000,
  });
  await consumer.startup();
  try {
    let done = 0;
    while (done < options.total) {
      const messages = await consumer.receive(options.batch, 30_000);
      for (const message of messages) {
        options.onMessage();
        await consumer.ack(message);
        done++;
      }
    }
  } finally {
    await consumer.shutdown();
  }
}

/** A PushConsumer whose listener returns SUCCESS; `close()` shuts it down. */
export async function officialPushConsumer(
  target: Rmq5Target,
  topic: string,
  group: string,
  onMessage: (message: MessageView) => void,
): Promise<{ close(): Promise<void> }> {
  const consumer = new PushConsumer({
    ...base(target),
    consumerGroup: group,
    subscriptions: new Map([[topic, '*']]),
    messageListener: {
      consume: async (message: MessageView) => {
        onMessage(message);
        return ConsumeResult.SUCCESS;
      },
    },
  });
  await consumer.startup();
  return { close: () => consumer.shutdown() };
}
