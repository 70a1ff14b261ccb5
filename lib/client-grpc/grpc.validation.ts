/**
 * Name checks of RocketMQ 5 (the proxy's TopicValidator rules), run before a request is sent and
 * by the Nest layer at bootstrap: topics and groups are 1-127 / 1-255 characters of letters,
 * digits, '%', '|', '-' and '_'.
 */
import { MQInvalidArgumentError } from '../client/client.errors.js';

export const MAX_TOPIC_LENGTH = 127;
export const MAX_GROUP_LENGTH = 255;

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x25 ||
    c === 0x7c ||
    c === 0x2d ||
    c === 0x5f
  );
}

function checkName(value: unknown, argument: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new MQInvalidArgumentError(argument, 'must be a non-empty string');
  }
  if (value.length > max) {
    throw new MQInvalidArgumentError(
      argument,
      `must be at most ${max} characters, got ${value.length}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    if (!isNameChar(value.charCodeAt(i))) {
      throw new MQInvalidArgumentError(
        argument,
        `contains a character RocketMQ 5 does not allow at index ${i} (letters, digits, '%', '|', '-', '_')`,
      );
    }
  }
  return value;
}

export function checkGrpcTopic(topic: unknown, argument = 'topic'): string {
  return checkName(topic, argument, MAX_TOPIC_LENGTH);
}

export function checkGrpcGroup(group: unknown, argument = 'group'): string {
  return checkName(group, argument, MAX_GROUP_LENGTH);
}

/** Tags, keys, message groups: no control characters (the proxy refuses them). */
export function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** A tag filter: one or more tags, each non-empty, without '|' or controls ('*' = every tag). */
export function tagExpression(tags: readonly string[] | undefined, argument = 'tags'): string {
  if (tags === undefined || tags.length === 0) return '*';
  for (const tag of tags) {
    if (typeof tag !== 'string' || tag.length === 0 || tag.includes('|') || hasControlChar(tag)) {
      throw new MQInvalidArgumentError(
        argument,
        `must hold non-empty tags without '|' or control characters, got ${JSON.stringify(tag)}`,
      );
    }
    if (tag === '*') return '*';
  }
  return tags.length === 1 ? tags[0]! : tags.join('||');
}

/** A namespace (ApsaraMQ 5.x: the instance id): header-safe ASCII, no separators. */
export function checkNamespace(value: unknown, argument = 'instanceId'): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string') {
    throw new MQInvalidArgumentError(argument, 'must be a string (the RocketMQ 5 namespace)');
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!isNameChar(c) && c !== 0x2e) {
      throw new MQInvalidArgumentError(
        argument,
        `contains a character not allowed in a namespace at index ${i} (letters, digits, '%', '|', '-', '_', '.')`,
      );
    }
  }
  return value;
}
