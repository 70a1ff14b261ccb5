/**
 * Argument checks that run before any request is sent. Plain char loops instead of regexes: they run
 * on every publish/ack/consume.
 */
import { MQ_LIMITS, findIllegalXmlChar } from '../protocol/index.js';
import { MQInvalidArgumentError } from './client.errors.js';
import type { MQCallOptions } from './client.types.js';

/**
 * Chars no real topic has and that would change the meaning of the path if a server decoded the
 * path before routing. Everything else (RocketMQ allows `%` and `|`) is percent-encoded on the wire.
 */
function isTopicBreakingChar(c: number): boolean {
  // '/', '?', '#', whitespace and controls.
  return c === 0x2f || c === 0x3f || c === 0x23 || c <= 0x20 || c === 0x7f;
}

export function checkTopic(topic: unknown): string {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new MQInvalidArgumentError('topic', 'must be a non-empty string');
  }
  if (topic.length > MQ_LIMITS.maxTopicLength) {
    throw new MQInvalidArgumentError(
      'topic',
      `must be at most ${MQ_LIMITS.maxTopicLength} characters, got ${topic.length}`,
    );
  }
  for (let i = 0; i < topic.length; i++) {
    if (isTopicBreakingChar(topic.charCodeAt(i))) {
      throw new MQInvalidArgumentError(
        'topic',
        `contains a forbidden character at index ${i} (no '/', '?', '#', whitespace or controls)`,
      );
    }
  }
  return topic;
}

/** Group ids (`GID_xxx`) and instance ids are sent raw by every SDK; we refuse what would need encoding. */
function isIdBreakingChar(c: number): boolean {
  // '&' '=' '#' '?' '%' '+' '/' whitespace, controls, non-ASCII.
  return (
    c <= 0x20 ||
    c >= 0x7f ||
    c === 0x26 ||
    c === 0x3d ||
    c === 0x23 ||
    c === 0x3f ||
    c === 0x25 ||
    c === 0x2b ||
    c === 0x2f
  );
}

export function checkGroup(group: unknown): string {
  if (typeof group !== 'string' || group.length === 0) {
    throw new MQInvalidArgumentError('group', 'must be a non-empty string');
  }
  checkIdChars(group, 'group');
  return group;
}

/** An instance id as it will go into `ns=`; '' means "default instance, no ns". */
export function checkIdChars(value: string, argument: string): void {
  for (let i = 0; i < value.length; i++) {
    if (isIdBreakingChar(value.charCodeAt(i))) {
      throw new MQInvalidArgumentError(
        argument,
        `contains a character that is not allowed in a query value at index ${i}` +
          ` (no whitespace, non-ASCII, '&', '=', '#', '?', '%', '+', '/')`,
      );
    }
  }
}

export function checkIntRange(value: unknown, argument: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MQInvalidArgumentError(
      argument,
      `must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** Longest timer Node can arm (ms); a longer deadline would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A per-call deadline in ms: a positive finite number (fractions allowed, e.g. what a budget leaves). */
export function checkTimeout(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMEOUT_MS) {
    throw new MQInvalidArgumentError(
      argument,
      `must be a number of ms above 0 and at most ${MAX_TIMEOUT_MS}, got ${String(value)}`,
    );
  }
  return value;
}

/** One tag: 1..64 chars, no `|` (it separates tags in a filter), XML- and URL-safe once encoded. */
function checkOneTag(tag: string, argument: string): void {
  if (tag.length === 0) throw new MQInvalidArgumentError(argument, 'must not be empty');
  if (tag.length > MQ_LIMITS.maxTagLength) {
    throw new MQInvalidArgumentError(
      argument,
      `must be at most ${MQ_LIMITS.maxTagLength} characters, got ${tag.length}`,
    );
  }
  for (let i = 0; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (c === 0x7c) {
      throw new MQInvalidArgumentError(argument, `must not contain '|' (index ${i})`);
    }
    if (c < 0x20 || c === 0x7f) {
      throw new MQInvalidArgumentError(argument, `contains a control character at index ${i}`);
    }
  }
  if (findIllegalXmlChar(tag) !== -1) {
    throw new MQInvalidArgumentError(argument, 'contains a character XML cannot carry');
  }
}

/** Tag of a published message: one tag. */
export function checkPublishTag(tag: unknown): string | undefined {
  if (tag === undefined || tag === '') return undefined;
  if (typeof tag !== 'string') throw new MQInvalidArgumentError('tag', 'must be a string');
  checkOneTag(tag, 'tag');
  return tag;
}

/**
 * Consume filter → the raw (unencoded) expression: a single tag, an expression `A||B` given as a
 * string, or a list joined with `||`. Undefined when absent (= all messages).
 */
export function consumeTagExpression(tag: unknown): string | undefined {
  if (tag === undefined) return undefined;
  if (typeof tag === 'string') {
    if (tag.length === 0) return undefined;
    let start = 0;
    let index = 0;
    // Split on '||' by hand: each part must be a valid tag.
    for (;;) {
      const sep = tag.indexOf('||', start);
      const part = sep === -1 ? tag.slice(start) : tag.slice(start, sep);
      checkOneTag(part, index === 0 && sep === -1 ? 'tag' : `tag[${index}]`);
      if (sep === -1) break;
      start = sep + 2;
      index++;
    }
    return tag;
  }
  if (Array.isArray(tag)) {
    if (tag.length === 0) return undefined;
    for (let i = 0; i < tag.length; i++) {
      const t: unknown = tag[i];
      if (typeof t !== 'string') throw new MQInvalidArgumentError(`tag[${i}]`, 'must be a string');
      checkOneTag(t, `tag[${i}]`);
    }
    return tag.length === 1 ? (tag[0] as string) : tag.join('||');
  }
  throw new MQInvalidArgumentError('tag', 'must be a string or an array of strings');
}

/** Receipt handles: non-empty strings, XML-safe (they travel in the request body). */
export function checkReceiptHandles(handles: unknown, max: number): string[] {
  if (!Array.isArray(handles)) {
    throw new MQInvalidArgumentError('receiptHandles', 'must be an array of strings');
  }
  if (handles.length === 0 || handles.length > max) {
    throw new MQInvalidArgumentError(
      'receiptHandles',
      `must hold 1 to ${max} handles, got ${handles.length}`,
    );
  }
  for (let i = 0; i < handles.length; i++) checkHandle(handles[i], `receiptHandles[${i}]`);
  return handles as string[];
}

export function checkHandle(handle: unknown, argument: string): string {
  if (typeof handle !== 'string' || handle.length === 0) {
    throw new MQInvalidArgumentError(argument, 'must be a non-empty string');
  }
  if (findIllegalXmlChar(handle) !== -1) {
    throw new MQInvalidArgumentError(argument, 'contains a character XML cannot carry');
  }
  return handle;
}

/**
 * Refuses a key an options object does not have: a typo such as `delayMS` would otherwise be
 * ignored without a word (the message delivered at once). Runs on every call, so it is a `for…in`
 * over the few keys given and a Set lookup each; building the message is left to the error path.
 */
export function checkKnownKeys(
  value: object,
  known: ReadonlySet<string>,
  prefix: string,
  what: string,
): void {
  for (const key in value) {
    if (!known.has(key)) throw unknownKeyError(key, known, prefix, what);
  }
}

function unknownKeyError(
  key: string,
  known: ReadonlySet<string>,
  prefix: string,
  what: string,
): MQInvalidArgumentError {
  const near = closest(key, [...known]);
  return new MQInvalidArgumentError(
    prefix + key,
    `is not ${what}` +
      (near === undefined ? '' : `; did you mean "${near}"?`) +
      ` (known: ${[...known].join(', ')})`,
  );
}

/** The known key a typo most likely meant: same letters in another case, or at most 2 edits away. */
function closest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Keys of each call's options object; anything else is a typo and is refused. */
export const CALL_OPTION_KEYS: ReadonlySet<string> = new Set(['signal', 'instanceId', 'timeoutMs']);
export const CONSUME_OPTION_KEYS: ReadonlySet<string> = new Set([
  ...CALL_OPTION_KEYS,
  'numOfMessages',
  'waitSeconds',
  'tag',
]);

export function checkCallOptions(
  options: MQCallOptions | undefined,
  known: ReadonlySet<string>,
): void {
  if (options != null) checkKnownKeys(options, known, 'options.', 'an option of this call');
}
