/**
 * Message properties (PROTOCOL.md §5): one string of `key:value` pairs joined by `|`.
 * We always emit a trailing `|` (the C++ parser drops a final pair without one) and never a repeated key
 * (C# throws on duplicates).
 */
import { RESERVED_PROPERTY } from './protocol.constants.js';
import type { DecodedProperties } from './protocol.types.js';
import { findIllegalXmlChar } from './text.js';

/** A property key or value that cannot be sent. The message names the key; values are never echoed. */
export class PropertyError extends Error {
  override readonly name = 'PropertyError';

  constructor(
    /** The offending key (possibly truncated in the message, never here). */
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid message property ${quoteKey(key)}: ${reason}`);
  }
}

const MAX_KEY_IN_MESSAGE = 64;

function quoteKey(key: string): string {
  return key.length > MAX_KEY_IN_MESSAGE
    ? JSON.stringify(key.slice(0, MAX_KEY_IN_MESSAGE) + '…')
    : JSON.stringify(key);
}

const FORBIDDEN = /[&"'<>:|]/;

/**
 * Throws a {@link PropertyError} unless key and value are non-empty strings free of
 * `& " ' < > : |` and of characters XML 1.0 cannot carry.
 */
export function validatePropertyPair(key: string, value: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new PropertyError(String(key), 'the key must be a non-empty string');
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new PropertyError(key, 'the value must be a non-empty string');
  }
  if (FORBIDDEN.test(key)) {
    throw new PropertyError(key, `the key must not contain any of & " ' < > : |`);
  }
  if (FORBIDDEN.test(value)) {
    throw new PropertyError(key, `the value must not contain any of & " ' < > : |`);
  }
  if (findIllegalXmlChar(key) !== -1) {
    throw new PropertyError(key, 'the key contains a character XML cannot carry');
  }
  if (findIllegalXmlChar(value) !== -1) {
    throw new PropertyError(key, 'the value contains a character XML cannot carry');
  }
}

/**
 * Lenient parse of a received properties string: split on `|`, skip empty segments, split each at
 * the FIRST `:` (so a value may contain `:`, as C++ reads it), skip segments without `:` or with an
 * empty key. Empty values are kept. The last duplicate wins. Nothing is validated.
 */
export function parsePropertyPairs(raw?: string): Map<string, string> {
  const pairs = new Map<string, string>();
  if (raw === undefined || raw.length === 0) return pairs;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('|', start);
    if (end === -1) end = raw.length;
    if (end > start) {
      const colon = raw.indexOf(':', start);
      if (colon > start && colon < end)
        pairs.set(raw.slice(start, colon), raw.slice(colon + 1, end));
    }
    start = end + 1;
  }
  return pairs;
}

/** `k:v|k:v|` with a trailing pipe; validates every pair and rejects a repeated key. */
export function encodePropertyPairs(pairs: Iterable<[string, string]>): string {
  let out = '';
  const seen = new Set<string>();
  for (const [key, value] of pairs) {
    validatePropertyPair(key, value);
    if (seen.has(key)) throw new PropertyError(key, 'the key is repeated');
    seen.add(key);
    out += key + ':' + value + '|';
  }
  return out;
}

const DIGITS = /^\d+$/;

/** A non-negative decimal integer that survives the trip through a JS number, else undefined. */
function parseNonNegativeInteger(text: string): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses a properties string and lifts the reserved keys into typed fields:
 * `KEYS` → messageKey, `__STARTDELIVERTIME` → startDeliverTime, `__TransCheckT` →
 * transCheckImmunitySeconds, `__SHARDINGKEY` → shardingKey. Everything else goes to `user`.
 * A reserved number that is not a non-negative decimal integer is dropped (kept neither in the typed
 * field nor in `user`): it carries no usable meaning and putting it into `user` would make
 * {@link encodeProperties} reject the result.
 */
export function decodeProperties(raw?: string): DecodedProperties {
  // Every received message comes through here: the pairs are read straight into the result, without
  // the Map of parsePropertyPairs (≈200 bytes and an iterator per message). Same values and key
  // order as going through that Map: a repeated key keeps its first place and its last value
  // either way, except a repeated reserved number, whose last value alone decides whether the
  // field exists; that rare case takes the Map.
  const decoded: DecodedProperties = { user: {} };
  if (raw === undefined || raw.length === 0) return decoded;
  let numbersSeen = 0;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('|', start);
    if (end === -1) end = raw.length;
    const colon = end > start ? raw.indexOf(':', start) : -1;
    if (colon > start && colon < end) {
      const key = raw.slice(start, colon);
      const value = raw.slice(colon + 1, end);
      if (key === RESERVED_PROPERTY.START_DELIVER_TIME) {
        if (numbersSeen & 1) return decodePropertyMap(raw);
        numbersSeen |= 1;
      } else if (key === RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY) {
        if (numbersSeen & 2) return decodePropertyMap(raw);
        numbersSeen |= 2;
      }
      setProperty(decoded, key, value);
    }
    start = end + 1;
  }
  return decoded;
}

/** {@link decodeProperties} through {@link parsePropertyPairs}: each key once, with its last value. */
function decodePropertyMap(raw: string): DecodedProperties {
  const decoded: DecodedProperties = { user: {} };
  for (const [key, value] of parsePropertyPairs(raw)) setProperty(decoded, key, value);
  return decoded;
}

/** One received pair into `decoded`: a reserved key to its typed field, any other to `user`. */
function setProperty(decoded: DecodedProperties, key: string, value: string): void {
  switch (key) {
    case RESERVED_PROPERTY.KEYS:
      decoded.messageKey = value;
      break;
    case RESERVED_PROPERTY.SHARDING_KEY:
      decoded.shardingKey = value;
      break;
    case RESERVED_PROPERTY.START_DELIVER_TIME:
      setNumber(decoded, 'startDeliverTime', value);
      break;
    case RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY:
      setNumber(decoded, 'transCheckImmunitySeconds', value);
      break;
    default:
      setOwn(decoded.user, key, value);
  }
}

/**
 * Inverse of {@link decodeProperties}: reserved fields first, then `user` pairs, trailing `|`.
 * Numbers must be non-negative safe integers; `user` must not contain a reserved key (use the typed
 * field). Returns undefined when there is nothing to encode. Range rules (10–300 s, timer horizon) are
 * the caller's business.
 */
export function encodeProperties(p: Partial<DecodedProperties>): string | undefined {
  let out = '';
  if (p.messageKey !== undefined) out += pair(RESERVED_PROPERTY.KEYS, p.messageKey);
  if (p.startDeliverTime !== undefined) {
    out += pair(
      RESERVED_PROPERTY.START_DELIVER_TIME,
      integerText(RESERVED_PROPERTY.START_DELIVER_TIME, p.startDeliverTime),
    );
  }
  if (p.transCheckImmunitySeconds !== undefined) {
    out += pair(
      RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY,
      integerText(RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY, p.transCheckImmunitySeconds),
    );
  }
  if (p.shardingKey !== undefined) out += pair(RESERVED_PROPERTY.SHARDING_KEY, p.shardingKey);
  if (p.user !== undefined) {
    for (const key of Object.keys(p.user)) {
      if (isReservedKey(key)) {
        throw new PropertyError(key, 'this reserved key must be set through its dedicated option');
      }
      out += pair(key, p.user[key] as string);
    }
  }
  return out.length === 0 ? undefined : out;
}

function setNumber(
  decoded: DecodedProperties,
  field: 'startDeliverTime' | 'transCheckImmunitySeconds',
  text: string,
): void {
  const n = parseNonNegativeInteger(text);
  if (n === undefined) delete decoded[field];
  else decoded[field] = n;
}

function pair(key: string, value: string): string {
  validatePropertyPair(key, value);
  return key + ':' + value + '|';
}

function integerText(key: string, n: number): string {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new PropertyError(key, 'the value must be a non-negative integer');
  }
  return String(n);
}

/** True for the four reserved keys of §5. */
export function isReservedKey(key: string): boolean {
  return (
    key === RESERVED_PROPERTY.KEYS ||
    key === RESERVED_PROPERTY.START_DELIVER_TIME ||
    key === RESERVED_PROPERTY.TRANS_CHECK_IMMUNITY ||
    key === RESERVED_PROPERTY.SHARDING_KEY
  );
}

// A key named `__proto__` must become an own property, not replace the prototype.
function setOwn(target: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
