import type { ConsumerActivity } from '../activity/consumer.activity.js';
import type { RequestHead } from './request.head.js';
import type { MessagesOperation } from './request.operation.js';

/**
 * Tells the consumer registry that an HTTP client polls (the client is its address: the protocol
 * carries no client id; the User-Agent tells SDKs apart). Returns the function that marks the
 * poll answered.
 */
export function recordHttpPoll(
  activity: ConsumerActivity,
  head: RequestHead,
  remoteAddress: string | undefined,
  op: Extract<MessagesOperation, { kind: 'consume' }>,
): () => void {
  const agent = head.headers['user-agent'];
  return activity.recordPoll({
    protocol: 'http',
    clientId: remoteAddress ?? 'unknown',
    instanceId: op.ns,
    topic: op.topic,
    group: op.group,
    ...(agent !== undefined ? { agent } : {}),
  });
}
