/**
 * SendMessage and EndTransaction. A publish names its topic among the producer session's
 * publishing topics: the proxy registers the client as a producer of the topic from the settings,
 * which is what routes a transactional topic's checks to this client.
 */
import type { MQPublishInput } from '../client/client.types.js';
import { ROCKETMQ5_PROXY_DEFAULTS } from '../protocol-grpc/grpc.limits.js';
import { isSuccessCode } from '../protocol-grpc/grpc.status.js';
import type {
  EndTransactionResponse,
  SendMessageResponse,
  TransactionResolution,
  TransactionSource,
} from '../protocol-grpc/grpc.types.js';
import type { ClientCore } from './client.core.js';
import { serviceError } from './grpc.errors.js';
import { checkGrpcTopic } from './grpc.validation.js';
import { encodePublish, md5Hex } from './message.codec.js';

export interface SendResult {
  messageId: string;
  /** Transactional messages: what EndTransaction needs besides the message id. */
  transactionId?: string;
  /** Upper-case hex MD5 of the body sent. */
  bodyMd5: string;
  /** The x-mq-request-id of the call. */
  requestId: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** Topics already checked (names are checked once, not on every publish). */
const checkedTopics = new Set<string>();

function checkTopicOnce(topic: string): void {
  if (checkedTopics.has(topic)) return;
  checkGrpcTopic(topic);
  if (checkedTopics.size < 10_000) checkedTopics.add(topic);
}

export async function sendMessage(
  core: ClientCore,
  topic: string,
  input: MQPublishInput,
  options: CallOptions = {},
): Promise<SendResult> {
  core.assertOpen();
  checkTopicOnce(topic);
  const session = core.producer;
  const maxBody =
    session.serverSettings?.publishing?.maxBodySize || ROCKETMQ5_PROXY_DEFAULTS.maxBodyBytes;
  const encoded = encodePublish(
    topic,
    core.options.namespace,
    input,
    maxBody,
    core.options.clock(),
  );
  core.producerWith(topic);
  const transactional = encoded.type === 'TRANSACTION';
  const routed = core.route(topic);
  // A transactional topic must be registered before its checks can reach us: wait for the
  // settings then (the route query runs meanwhile). Other sends go ahead while the settings
  // travel (SendMessage does not need them).
  if (transactional) {
    if (routed instanceof Promise) routed.catch(() => undefined);
    await session.ready(options.signal);
  } else if (!session.registered) {
    session.ready().catch(() => undefined);
  }
  const route = routed instanceof Promise ? await routed : routed;
  encoded.message.systemProperties.queueId = route.nextWritable().id ?? 0;
  const ctx = core.channel.context('SendMessage');
  const response = await core.channel.unary<object, SendMessageResponse>(
    'SendMessage',
    { messages: [encoded.message] },
    ctx,
    {
      clientId: session.clientId,
      timeoutMs: core.options.requestTimeoutMs,
      signal: options.signal,
    },
  );
  const entry = response.entries?.[0];
  if (entry?.status && !isSuccessCode(entry.status.code)) throw serviceError(entry.status, ctx);
  if (!isSuccessCode(response.status?.code)) throw serviceError(response.status, ctx);
  const result: SendResult = {
    messageId: entry?.messageId || encoded.messageId,
    bodyMd5: md5Hex(encoded.body),
    requestId: ctx.requestId,
  };
  if (entry?.transactionId) result.transactionId = entry.transactionId;
  return result;
}

export async function endTransaction(
  core: ClientCore,
  topic: string,
  messageId: string,
  transactionId: string,
  resolution: Extract<TransactionResolution, 'COMMIT' | 'ROLLBACK'>,
  source: Extract<TransactionSource, 'SOURCE_CLIENT' | 'SOURCE_SERVER_CHECK'>,
  options: CallOptions = {},
): Promise<void> {
  core.assertOpen();
  checkTopicOnce(topic);
  const session = core.producerWith(topic);
  const ctx = core.channel.context('EndTransaction');
  const response = await core.channel.unary<object, EndTransactionResponse>(
    'EndTransaction',
    {
      topic: { name: topic, resourceNamespace: core.options.namespace },
      messageId,
      transactionId,
      resolution,
      source,
    },
    ctx,
    {
      clientId: session.clientId,
      timeoutMs: core.options.requestTimeoutMs,
      signal: options.signal,
    },
  );
  if (!isSuccessCode(response.status?.code)) throw serviceError(response.status, ctx);
}
