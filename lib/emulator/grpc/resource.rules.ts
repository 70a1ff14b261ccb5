/**
 * Name rules of the RocketMQ 5 proxy (GrpcValidator, Validators): topics and groups use
 * `[%|a-zA-Z0-9_-]`, system resources are refused. Topic names are further limited to the
 * broker's 64 characters (the emulator shares topics with the HTTP protocol).
 */
import { findIllegalXmlChar, MQ_LIMITS } from '../../protocol/index.js';
import type { Resource } from '../../protocol-grpc/index.js';
import { fail } from './grpc.errors.js';

const NAME_CHARS = /^[%|a-zA-Z0-9_-]+$/;
const MAX_GROUP_LENGTH = 255;
const SYSTEM_TOPIC_PREFIXES = ['rmq_sys_', '%RETRY%', '%DLQ%', 'RMQ_SYS_'];
const SYSTEM_GROUP_PREFIX = 'CID_RMQ_SYS_';

// C0 and C1 controls (Guava's javaIsoControl), built from two strings so no lint exception is needed.
const CONTROL = new RegExp('[\\u0000-\\u001F' + '\\u007F-\\u009F]');

/**
 * Control characters (refused by the proxy), or characters XML 1.0 cannot carry (lone surrogates,
 * U+FFFE, U+FFFF: the emulator shares messages with the HTTP protocol, which is XML).
 */
export function hasControlCharacter(s: string): boolean {
  return CONTROL.test(s) || findIllegalXmlChar(s) !== -1;
}

export function checkTopic(resource: Resource | null | undefined): string {
  const name = resource?.name ?? '';
  if (name === '') fail('ILLEGAL_TOPIC', 'the specified topic is blank');
  if (name.length > MQ_LIMITS.maxTopicLength) {
    fail(
      'ILLEGAL_TOPIC',
      `the specified topic is longer than ${MQ_LIMITS.maxTopicLength} characters`,
    );
  }
  if (!NAME_CHARS.test(name)) {
    fail(
      'ILLEGAL_TOPIC',
      `the specified topic[${name}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`,
    );
  }
  if (SYSTEM_TOPIC_PREFIXES.some((p) => name.startsWith(p))) {
    fail('ILLEGAL_TOPIC', 'cannot access system topic');
  }
  return name;
}

export function checkGroup(resource: Resource | null | undefined): string {
  const name = resource?.name ?? '';
  if (name === '') fail('ILLEGAL_CONSUMER_GROUP', 'the specified group is blank');
  if (name.length > MAX_GROUP_LENGTH) {
    fail(
      'ILLEGAL_CONSUMER_GROUP',
      `the specified group is longer than ${MAX_GROUP_LENGTH} characters`,
    );
  }
  if (!NAME_CHARS.test(name)) {
    fail(
      'ILLEGAL_CONSUMER_GROUP',
      `the specified group[${name}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`,
    );
  }
  if (name.startsWith(SYSTEM_GROUP_PREFIX))
    fail('ILLEGAL_CONSUMER_GROUP', 'cannot use system consumer group');
  return name;
}

/** Tag expressions: `*` (or empty) = every tag; `a||b` = any of the listed tags. SQL92 is not emulated. */
export function parseTagFilter(
  expression: { type?: string | number; expression?: string } | null | undefined,
): string[] | undefined {
  const type = expression?.type ?? 'TAG';
  if (type === 'SQL' || type === 2) {
    fail('NOT_IMPLEMENTED', 'the emulator supports TAG filter expressions only, not SQL92');
  }
  if (type !== 'TAG' && type !== 1 && type !== 'FILTER_TYPE_UNSPECIFIED' && type !== 0) {
    fail('ILLEGAL_FILTER_EXPRESSION', `unknown filter type ${String(type)}`);
  }
  const text = (expression?.expression ?? '').trim();
  if (text === '' || text === '*') return undefined;
  const tags = text
    .split('||')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tags.length === 0 || tags.includes('*')) return undefined;
  if (tags.some(hasControlCharacter)) {
    fail('ILLEGAL_FILTER_EXPRESSION', 'the tag expression contains control characters');
  }
  return tags;
}
