/**
 * A delivered broker message → the RocketMQ 5 `Message` a consumer (or a transaction checker)
 * receives, as the proxy builds it (GrpcConverter): MD5 body digest in upper-case hex, delivery
 * attempt = ConsumedTimes, message type from the reserved properties, reserved properties lifted
 * into system properties and hidden from the user properties.
 */
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import { parsePropertyPairs, RESERVED_PROPERTY } from '../../protocol/index.js';
import {
  bodyChecksum,
  msToDuration,
  msToTimestamp,
  type Message,
  type MessageType,
  type SystemProperties,
} from '../../protocol-grpc/index.js';
import { BODY_ENCODING_PROPERTY, BASE64_BODY, bodyToBytes } from '../broker/message.body.js';

/** `store_host` of every message: the emulator is one broker. */
export const STORE_HOST = 'aliyun-mq-emulator';

export function toGrpcMessage(
  doc: ConsumedMessageDoc,
  topic: string,
  ns: string,
  now: number,
): Message {
  const userProperties: Record<string, string> = {};
  let keys: string[] = [];
  let messageGroup: string | undefined;
  let deliverAt: number | undefined;
  let transactional = false;
  let encoding: string | undefined;
  if (doc.properties !== undefined) {
    for (const [k, v] of parsePropertyPairs(doc.properties)) {
      switch (k) {
        case RESERVED_PROPERTY.KEYS:
          keys = v.split(' ').filter((key) => key !== '');
          break;
        case RESERVED_PROPERTY.SHARDING_KEY:
          messageGroup = v;
          break;
        case RESERVED_PROPERTY.START_DELIVER_TIME:
          deliverAt = Number(v);
          break;
        case RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY:
          transactional = true;
          break;
        case BODY_ENCODING_PROPERTY:
          encoding = v;
          break;
        default:
          userProperties[k] = v;
      }
    }
  }
  const body = bodyToBytes(doc.body, encoding);
  const type: MessageType = transactional
    ? 'TRANSACTION'
    : deliverAt !== undefined
      ? 'DELAY'
      : messageGroup !== undefined
        ? 'FIFO'
        : 'NORMAL';
  const sp: SystemProperties = {
    keys,
    messageId: doc.messageId,
    // The broker's MD5 is of the stored text's UTF-8 bytes: the body itself unless it is base64.
    bodyDigest: {
      type: 'MD5',
      checksum: encoding === BASE64_BODY ? bodyChecksum('MD5', body) : doc.bodyMd5,
    },
    bodyEncoding: 'IDENTITY',
    messageType: type,
    bornTimestamp: msToTimestamp(doc.publishTime),
    bornHost: STORE_HOST,
    storeTimestamp: msToTimestamp(doc.publishTime),
    storeHost: STORE_HOST,
    receiptHandle: doc.receiptHandle,
    queueId: 0,
    invisibleDuration: msToDuration(Math.max(0, doc.nextConsumeTime - now)),
    deliveryAttempt: doc.consumedTimes,
  };
  if (doc.tag !== undefined) sp.tag = doc.tag;
  if (messageGroup !== undefined) sp.messageGroup = messageGroup;
  if (deliverAt !== undefined && Number.isFinite(deliverAt)) {
    sp.deliveryTimestamp = msToTimestamp(deliverAt);
  }
  return {
    topic: { name: topic, resourceNamespace: ns },
    userProperties,
    systemProperties: sp,
    body,
  };
}
