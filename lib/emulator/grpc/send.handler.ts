/**
 * SendMessage: every message of the request goes to the same topic (MESSAGE_CORRUPTED otherwise),
 * is checked against the topic's declared type (MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, the proxy's
 * message type check) and published with the producer's own message id. Each message gets its
 * entry; the overall status is the entries' common code, or MULTIPLE_RESULTS.
 */
import {
  OK_STATUS,
  type RocketMQCode,
  type SendMessageRequest,
  type SendMessageResponse,
  type SendResultEntry,
} from '../../protocol-grpc/index.js';
import { fail, toFrontStatus } from './grpc.errors.js';
import type { GrpcFront } from './grpc.front.js';
import { toPublishInput, type InboundMessage } from './message.inbound.js';
import type { RequestContext } from './request.context.js';
import { checkTopic } from './resource.rules.js';
import { acceptedTypes } from './routes.handlers.js';

/** Messages per SendMessage request (clients send one; a batch stays bounded). */
const MAX_MESSAGES_PER_REQUEST = 1024;

export function sendMessage(
  front: GrpcFront,
  req: SendMessageRequest,
  rc: RequestContext,
): SendMessageResponse {
  const messages = req.messages ?? [];
  if (messages.length === 0) fail('MESSAGE_CORRUPTED', 'no message to send');
  if (messages.length > MAX_MESSAGES_PER_REQUEST) {
    fail('BAD_REQUEST', `at most ${MAX_MESSAGES_PER_REQUEST} messages per request`);
  }
  const topic = checkTopic(messages[0]!.topic);
  for (const m of messages) {
    if (m.topic?.name !== topic) fail('MESSAGE_CORRUPTED', 'topic in message is not same');
  }
  const accepted = acceptedTypes(front.broker.topicType(rc.ns, topic));
  const now = front.clock.now();
  // Everything is checked before anything is stored: a bad message fails the whole request.
  const inbound: InboundMessage[] = messages.map((m) => toPublishInput(m, now));
  for (const m of inbound) {
    if (!accepted.includes(m.type)) {
      fail(
        'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
        `topic ${topic} accepts ${accepted.join(', ')} messages, not ${m.type}`,
      );
    }
  }
  const entries: SendResultEntry[] = [];
  const codes = new Set<RocketMQCode>();
  for (const m of inbound) {
    try {
      const published = front.broker.publish(rc.ns, topic, m.input);
      entries.push({
        status: OK_STATUS,
        messageId: published.messageId,
        // A half message is ended with EndTransaction; its publish handle is the transaction id.
        transactionId: published.receiptHandle ?? '',
        offset: 0,
        recallHandle: '',
      });
      codes.add('OK');
    } catch (err) {
      const st = toFrontStatus(err);
      if (st.internal) throw err;
      entries.push({ status: { code: st.code, message: st.message } });
      codes.add(st.code);
    }
  }
  front.sessions.notePublish(rc.clientId, rc.ns, topic);
  const only = codes.size === 1 ? [...codes][0]! : undefined;
  return {
    status:
      only === undefined
        ? { code: 'MULTIPLE_RESULTS', message: 'MULTIPLE_RESULTS' }
        : entries[0]!.status!,
    entries,
  };
}
