/**
 * `checkConnection()` of the RocketMQ 5 client: one call that changes nothing, whose answer says
 * whether the endpoint is a RocketMQ 5 proxy and accepts the credentials. It acks a receipt handle
 * that cannot exist, on a topic and group that need not exist: the proxy authenticates every call
 * before it looks at the resource, so bad credentials answer UNAUTHORIZED whatever the resource,
 * and good ones get the resource's answer (TOPIC_NOT_FOUND, an invalid handle, …).
 */
import { MQProtocolError, MQServiceError } from '../client/client.errors.js';
import type { MQConnectionCheck } from '../client/connection.check.js';
import type { ClientCore } from './client.core.js';
import { ackMessages } from './consumer.calls.js';

export const PROBE_TOPIC = 'nestjs-aliyun-mq-connection-check';
export const PROBE_GROUP = 'GID_nestjs_aliyun_mq_connection_check';
const PROBE_ENTRY = {
  messageId: 'nestjs-aliyun-mq-connection-check',
  receiptHandle: 'nestjs-aliyun-mq-connection-check',
};

/** Answers that refuse the call itself (its credentials, the account), not the probe's resource. */
const REFUSALS: ReadonlySet<string> = new Set([
  'UNAUTHORIZED',
  'PAYMENT_REQUIRED',
  'CLIENT_ID_REQUIRED',
  'GRPC_UNAUTHENTICATED',
  'GRPC_PERMISSION_DENIED',
]);

export async function checkConnection(
  core: ClientCore,
  signal?: AbortSignal,
): Promise<MQConnectionCheck> {
  try {
    const result = await ackMessages(core, PROBE_TOPIC, PROBE_GROUP, [PROBE_ENTRY], {
      ...(signal !== undefined && { signal }),
      clientId: core.producer.clientId,
    });
    return { answer: result.failed[0]?.code ?? 'ok', requestId: result.requestId };
  } catch (error) {
    if (error instanceof MQServiceError && error.code === 'GRPC_UNIMPLEMENTED') {
      throw new MQProtocolError({
        message: `${core.channel.endpoint.target} is a gRPC server without the RocketMQ 5 MessagingService`,
        status: 0,
        snippet: error.message,
        requestId: error.requestId,
      });
    }
    if (error instanceof MQServiceError && !error.retryable && !REFUSALS.has(error.code)) {
      return { answer: error.code, requestId: error.requestId };
    }
    // A refusal, a retryable answer (proves nothing), unreachable, or the caller's abort.
    throw error;
  }
}
