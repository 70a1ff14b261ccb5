import { MQ_LIMITS } from '../../protocol/index.js';
import { MQRequestError } from './http.errors.js';

const PREFIX = '/topics/';
const SUFFIX = '/messages';
const MAX_TOPIC_LENGTH = MQ_LIMITS.maxTopicLength;

/**
 * The topic of `/topics/{topic}/messages` (percent-decoded), the only resource of the protocol
 * (PROTOCOL.md §1.2). Any other path is the cloud's `InvalidRequestURL`.
 */
export function matchMessagesPath(path: string): string {
  if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) throw invalidUrl();
  const raw = path.slice(PREFIX.length, path.length - SUFFIX.length);
  if (raw === '' || raw.indexOf('/') !== -1) throw invalidUrl();
  let topic = raw;
  if (raw.indexOf('%') !== -1) {
    try {
      topic = decodeURIComponent(raw);
    } catch {
      throw invalidUrl();
    }
  }
  if (!isTopicName(topic)) {
    // Such a topic cannot exist in the cloud (the console refuses the name), so none is created.
    throw new MQRequestError(
      'TopicNotExist',
      `The topic you provided does not exist: a topic name has 1-${MAX_TOPIC_LENGTH} letters, digits, "_", "-", "%" or "|".`,
    );
  }
  return topic;
}

/** 1-64 letters, digits, `_`, `-`, `%` or `|`: a topic name the cloud can have. */
export function isTopicName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_TOPIC_LENGTH) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || // 0-9
      (c >= 65 && c <= 90) || // A-Z
      (c >= 97 && c <= 122) || // a-z
      c === 95 || // _
      c === 45 || // -
      c === 37 || // % (RocketMQ retry/DLQ topic prefixes)
      c === 124; // |
    if (!ok) return false;
  }
  return true;
}

function invalidUrl(): MQRequestError {
  return new MQRequestError('InvalidRequestURL');
}
