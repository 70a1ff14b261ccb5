/**
 * Character-level helpers of the XML fast path (xml.fast-scan.ts): ASCII name and whitespace
 * classes, allocation-free name matching, and the prolog pieces (declaration, root attributes).
 * Everything here is deliberately narrower than XML: what it does not recognise is left to the
 * slow path, never guessed.
 */

export const LT = 0x3c;
export const GT = 0x3e;
export const SLASH = 0x2f;
export const BANG = 0x21;
export const COLON = 0x3a;
export const CR_LF = /\r\n?/g;

export function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

export function skipWhitespace(src: string, i: number): number {
  while (isWhitespace(src.charCodeAt(i))) i++;
  return i;
}

/** `[A-Za-z_]`: ASCII only; other name characters go to the slow path. */
export function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** `[A-Za-z0-9_.-]` */
export function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** End of the ASCII name part starting at `i`, or -1 when none starts there. */
export function namePartEnd(src: string, i: number): number {
  if (!isNameStart(src.charCodeAt(i))) return -1;
  i++;
  while (isNameChar(src.charCodeAt(i))) i++;
  return i;
}

/** `src.startsWith(name, at)` as a plain loop: names are short and V8 inlines this. */
export function matchesAt(src: string, at: number, name: string): boolean {
  const n = name.length;
  if (at + n > src.length) return false;
  for (let k = 0; k < n; k++) {
    if (src.charCodeAt(at + k) !== name.charCodeAt(k)) return false;
  }
  return true;
}

/** True when `name` is written at `at` and is not just the start of a longer or prefixed name. */
export function nameAt(src: string, at: number, name: string): boolean {
  const after = src.charCodeAt(at + name.length);
  return matchesAt(src, at, name) && !isNameChar(after) && after !== COLON;
}

/** `PascalCase` ASCII: the only unknown element names skipped here (never `__proto__` & co.). */
export function isPlainUnknownName(name: string): boolean {
  const first = name.charCodeAt(0);
  if (first < 0x41 || first > 0x5a) return false;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) {
      return false;
    }
  }
  return true;
}

/**
 * No CR, `&` or `]]>`: the text is its own value. Three native scans (vectorised) beat one loop in
 * JavaScript even for a 32-character id (≈30 vs ≈90 ns measured on Node 20), and by far for bodies.
 */
export function isPlainText(raw: string): boolean {
  return raw.indexOf('&') === -1 && raw.indexOf('\r') === -1 && raw.indexOf(']]>') === -1;
}

/** The declaration every service answer and every SDK request starts with (sticky: tested at `i`). */
const COMMON_DECLARATION = /<\?xml version="1\.0" encoding="UTF-8"\?>/y;

/**
 * Skips `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` and the like, starting at the
 * `<?xml ` at `i`: pseudo-attributes made of ASCII name characters, `=`, whitespace and properly
 * quoted values without markup. Returns the index after `?>`, or -1.
 */
export function skipDeclaration(src: string, i: number): number {
  // The common declaration needs no scan: a native match is far cheaper than the loop below.
  COMMON_DECLARATION.lastIndex = i;
  if (COMMON_DECLARATION.test(src)) return COMMON_DECLARATION.lastIndex;
  const end = src.indexOf('?>', i + 6);
  if (end === -1) return -1;
  for (let k = i + 6; k < end; k++) {
    const c = src.charCodeAt(k);
    if (c === 0x22 || c === 0x27) {
      const close = src.indexOf(c === 0x22 ? '"' : "'", k + 1);
      if (close === -1 || close >= end) return -1;
      for (let v = k + 1; v < close; v++) {
        if (!isNameChar(src.charCodeAt(v)) && src.charCodeAt(v) !== 0x20) return -1;
      }
      k = close;
    } else if (!isNameChar(c) && !isWhitespace(c) && c !== 0x3d /* = */) {
      return -1;
    }
  }
  return end + 2;
}

const MAX_ROOT_ATTRIBUTES = 8;

/**
 * One root attribute at `lastIndex`: whitespace, a name (one optional `prefix:`), `=` without
 * spaces, a quoted value without `<` or `&`. A native match: cheaper than the same checks in a loop.
 */
const ROOT_ATTRIBUTE =
  /[ \t\n\r]+((?:[A-Za-z_][A-Za-z0-9_.-]*:)?[A-Za-z_][A-Za-z0-9_.-]*)=(?:"[^"<&]*"|'[^'<&]*')/y;

/**
 * Skips the root's attributes (`xmlns="…"`, `xmlns:ns='…'`, anything `name="value"`), ignored as
 * the slow path does: each preceded by whitespace, `=` without spaces, a quoted value without `<`
 * or `&`, no name twice. `i` is just after the root's name. Returns the index of the `>` or of the
 * `/` of `/>` that ends the start tag, or -1.
 */
export function skipRootAttributes(src: string, i: number): number {
  let seen: string[] | undefined;
  for (;;) {
    const afterSpace = skipWhitespace(src, i);
    const c = src.charCodeAt(afterSpace);
    if (c === GT || (c === SLASH && src.charCodeAt(afterSpace + 1) === GT)) return afterSpace;
    ROOT_ATTRIBUTE.lastIndex = i;
    const match = ROOT_ATTRIBUTE.exec(src);
    if (match === null) return -1;
    const name = match[1] as string;
    if (seen === undefined) seen = [name];
    // A handful at most in real documents; more goes to the slow path (keeps this loop linear).
    else if (seen.length >= MAX_ROOT_ATTRIBUTES || seen.includes(name)) return -1;
    else seen.push(name);
    i = ROOT_ATTRIBUTE.lastIndex;
  }
}
