/** Query parameters of `/message/` (the samples' names; the manual adds `timeout` and `startdelivertime`). */
import { OnsRequestError } from './ons.errors.js';

export interface OnsQuery {
  topic?: string;
  time?: string;
  tag?: string;
  key?: string;
  num?: string;
  msgHandle?: string;
  timeout?: string;
  startdelivertime?: string;
}

const KNOWN_NAMES: ReadonlySet<string> = new Set([
  'topic',
  'time',
  'tag',
  'key',
  'num',
  'msgHandle',
  'timeout',
  'startdelivertime',
]);

/**
 * Reads the raw query by name, in any order. Values are form-decoded (`+` is a space, `%XX` UTF-8):
 * the samples paste values raw, and the emulator's handles, ids and times need no decoding, so a raw
 * and an encoded value read the same. Unknown names are ignored (old clients add their own, e.g.
 * cache busters); a known name given twice or a broken `%XX` is SC_BAD_REQUEST.
 */
export function parseOnsQuery(rawQuery: string): OnsQuery {
  const query: OnsQuery = {};
  let start = 0;
  while (start < rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    if (end > start) {
      const eq = rawQuery.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const name = rawQuery.slice(start, hasValue ? eq : end);
      if (KNOWN_NAMES.has(name)) {
        const key = name as keyof OnsQuery;
        if (query[key] !== undefined) {
          throw new OnsRequestError('SC_BAD_REQUEST', `parameter:${name} is given more than once`);
        }
        query[key] = hasValue ? formDecode(rawQuery.slice(eq + 1, end), name) : '';
      }
    }
    start = end + 1;
  }
  return query;
}

function formDecode(raw: string, name: string): string {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    throw new OnsRequestError(
      'SC_BAD_REQUEST',
      `parameter:${name} is invalid,it is not correctly percent-encoded UTF-8`,
    );
  }
}
