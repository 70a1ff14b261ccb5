import { invalidQueryStringMessage } from '../../protocol/index.js';
import { MQRequestError } from './http.errors.js';

/** The query parameters of `/topics/{topic}/messages` (PROTOCOL.md §1.3), form-decoded. */
export interface MessagesQuery {
  ns?: string;
  consumer?: string;
  numOfMessages?: string;
  waitseconds?: string;
  tag?: string;
  trans?: string;
}

const KNOWN_NAMES: ReadonlySet<string> = new Set([
  'ns',
  'consumer',
  'numOfMessages',
  'waitseconds',
  'tag',
  'trans',
]);

/**
 * Reads the raw query string by name, in any order (every SDK orders it differently, §1.4).
 * Values are form-decoded: `+` is a space and `%XX` bytes are UTF-8 (Java, Go, PHP and C++ encode
 * spaces as `+`, §1.5). Unknown, repeated or undecodable items are `InvalidQueryString`, as the
 * cloud names them. Empty segments (`a=1&&b=2`, a trailing `&`) are skipped.
 */
export function parseMessagesQuery(rawQuery: string): MessagesQuery {
  const query: MessagesQuery = {};
  if (rawQuery === '') return query;
  let start = 0;
  while (start <= rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    if (end > start) {
      const item = rawQuery.slice(start, end);
      const eq = item.indexOf('=');
      if (eq <= 0) throw invalidItem(item);
      const name = item.slice(0, eq);
      if (!KNOWN_NAMES.has(name)) throw invalidItem(item);
      const key = name as keyof MessagesQuery;
      if (query[key] !== undefined) throw invalidItem(item);
      query[key] = formDecode(item.slice(eq + 1), item);
    }
    start = end + 1;
  }
  return query;
}

function formDecode(raw: string, item: string): string {
  // Fast path: ids and numbers are sent unencoded by every SDK.
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    // A malformed %XX sequence or bytes that are not UTF-8.
    throw invalidItem(item);
  }
}

function invalidItem(item: string): MQRequestError {
  const shown = item.length > 64 ? `${item.slice(0, 64)}...` : item;
  return new MQRequestError('InvalidQueryString', invalidQueryStringMessage(shown));
}
