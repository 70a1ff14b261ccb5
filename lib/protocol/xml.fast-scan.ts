/**
 * A strict, allocation-light scanner for the flat shapes of the protocol's documents: optional BOM,
 * optional `<?xml …?>` declaration, one root element (attributes allowed and ignored, so any
 * namespace works), whitespace between elements, text-only leaves (entities and/or CDATA, or
 * self-closing), and container children one level down (`<Message>` in `<Messages>`, `<Error>` in
 * `<Errors>`). Names may carry one `prefix:`; only local names are compared.
 *
 * It is a FAST PATH only. Whenever the input is anything but such a common, well-formed document
 * (comments, PIs or DOCTYPE anywhere, attributes on children, deeper nesting, a malformed tag,
 * a doubtful declaration…), a method answers `undefined` ("not handled") and the caller falls back
 * to the fast-xml-parser path, which stays authoritative and produces the exact errors. The rule
 * is: never accept what the slow path rejects, and return exactly its value when accepting (this is
 * what test/unit/protocol/xml.fast-path.spec.ts checks differentially).
 */
import { findIllegalXmlChar } from './text.js';
import { XmlDocumentError } from './xml.errors.js';
import { decodeLeafContent } from './xml.leaf.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const COLON = 0x3a;
const CR_LF = /\r\n?/g;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function skipWhitespace(src: string, i: number): number {
  while (isWhitespace(src.charCodeAt(i))) i++;
  return i;
}

/** `[A-Za-z_]`: ASCII only; other name characters go to the slow path. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** `[A-Za-z0-9_.-]` */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** End of the ASCII name part starting at `i`, or -1 when none starts there. */
function namePartEnd(src: string, i: number): number {
  if (!isNameStart(src.charCodeAt(i))) return -1;
  i++;
  while (isNameChar(src.charCodeAt(i))) i++;
  return i;
}

/** `src.startsWith(name, at)` as a plain loop: names are short and V8 inlines this. */
function matchesAt(src: string, at: number, name: string): boolean {
  const n = name.length;
  if (at + n > src.length) return false;
  for (let k = 0; k < n; k++) {
    if (src.charCodeAt(at + k) !== name.charCodeAt(k)) return false;
  }
  return true;
}

/** True when `name` is written at `at` and is not just the start of a longer or prefixed name. */
function nameAt(src: string, at: number, name: string): boolean {
  const after = src.charCodeAt(at + name.length);
  return matchesAt(src, at, name) && !isNameChar(after) && after !== COLON;
}

/** `PascalCase` ASCII: the only unknown element names skipped here (never `__proto__` & co.). */
function isPlainUnknownName(name: string): boolean {
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

/** Below this length one loop beats three native `indexOf` scans. */
const SHORT_TEXT = 64;

/** No CR, `&` or `]` (so no `]]>`): the text is its own value. */
function isPlainText(raw: string): boolean {
  if (raw.length >= SHORT_TEXT) {
    return raw.indexOf('&') === -1 && raw.indexOf('\r') === -1 && raw.indexOf(']]>') === -1;
  }
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x26 || c === 0x0d || c === 0x5d) return false;
  }
  return true;
}

/**
 * Decodes a leaf's raw content exactly as the slow path does (line endings normalised first, as
 * fast-xml-parser does for the whole document, then `decodeLeafContent`); undefined when the slow
 * path would reject it.
 */
function decodeLeaf(raw: string, hasCdata: boolean, element: string): string | undefined {
  if (!hasCdata && isPlainText(raw)) return raw;
  if (raw.indexOf('\r') !== -1) raw = raw.replace(CR_LF, '\n');
  if (!hasCdata && raw.indexOf('&') === -1) return raw.indexOf(']]>') === -1 ? raw : undefined;
  try {
    return decodeLeafContent(raw, element);
  } catch (err) {
    if (err instanceof XmlDocumentError) return undefined;
    throw err;
  }
}

/** {@link FlatXmlScanner.nextChild}: a child whose name is not among the known ones. */
export const UNKNOWN_CHILD = -1;
/** {@link FlatXmlScanner.nextChild}: the parent's end tag was read. */
export const END_OF_PARENT = -2;
/** {@link FlatXmlScanner.nextChild}: anything the fast path leaves to the slow path. */
export const NOT_HANDLED = -3;

export class FlatXmlScanner {
  private pos = 0;
  /** Root element: local name, name as written (for its end tag), and `<Root/>`. */
  rootName = '';
  rootRaw = '';
  rootEmpty = false;
  /** Last child start tag read by {@link nextChild}. */
  childName = '';
  childRaw = '';
  childEmpty = false;

  private constructor(private readonly src: string) {}

  /**
   * Reads the prolog and the root start tag; undefined unless the document is a plain one whose
   * root has one of `rootNames`.
   */
  static open(xml: unknown, rootNames: readonly string[]): FlatXmlScanner | undefined {
    if (typeof xml !== 'string' || findIllegalXmlChar(xml) !== -1) return undefined;
    const s = new FlatXmlScanner(xml);
    if (xml.charCodeAt(0) === 0xfeff) s.pos = 1;
    if (xml.startsWith('<?xml ', s.pos) && !s.skipDeclaration()) return undefined;
    s.pos = skipWhitespace(xml, s.pos);
    if (xml.charCodeAt(s.pos) !== LT) return undefined;
    const nameStart = s.pos + 1;
    const nameEnd = s.qualifiedNameEnd(nameStart);
    if (nameEnd === -1) return undefined;
    s.rootRaw = xml.slice(nameStart, nameEnd);
    s.rootName = s.childName;
    if (!rootNames.includes(s.rootName)) return undefined;
    s.pos = nameEnd;
    if (!s.skipRootAttributes()) return undefined;
    return s;
  }

  /**
   * Next child of the element whose name as written is `parentRaw`: its index in `known` (≥ 0),
   * {@link UNKNOWN_CHILD} (name in {@link childName}), {@link END_OF_PARENT} once the parent's end tag
   * was consumed, or {@link NOT_HANDLED} for anything else (text, markup, bad tags). The child's
   * start tag may have no attributes. `hint` is the index expected next: documents list their
   * children in a fixed order, so one `startsWith` usually names the child without any slice.
   */
  nextChild(parentRaw: string, known: readonly string[], hint: number): number {
    const src = this.src;
    const lt = skipWhitespace(src, this.pos);
    if (src.charCodeAt(lt) !== LT) return NOT_HANDLED;
    if (src.charCodeAt(lt + 1) === SLASH) {
      const after = this.endTagEnd(lt, parentRaw);
      if (after === -1) return NOT_HANDLED;
      this.pos = after;
      return END_OF_PARENT;
    }
    let slot = -1;
    let nameEnd = -1;
    const n = known.length;
    for (let k = 0, candidate = hint < n ? hint : 0; k < n; k++) {
      const name = known[candidate] as string;
      if (nameAt(src, lt + 1, name)) {
        slot = candidate;
        nameEnd = lt + 1 + name.length;
        this.childName = name;
        this.childRaw = name;
        break;
      }
      if (++candidate === n) candidate = 0;
    }
    if (slot === -1) {
      nameEnd = this.qualifiedNameEnd(lt + 1);
      if (nameEnd === -1) return NOT_HANDLED;
      this.childRaw =
        nameEnd - (lt + 1) === this.childName.length ? this.childName : src.slice(lt + 1, nameEnd);
      slot = known.indexOf(this.childName);
      if (slot === -1) slot = UNKNOWN_CHILD;
    }
    let i = skipWhitespace(src, nameEnd);
    const empty = src.charCodeAt(i) === SLASH;
    if (empty) i++;
    if (src.charCodeAt(i) !== GT) return NOT_HANDLED;
    this.childEmpty = empty;
    this.pos = i + 1;
    return slot;
  }

  /**
   * Decoded text of the child just opened by {@link nextChild}, its end tag consumed; undefined
   * when its content is anything but text, entities and CDATA sections, or does not decode.
   */
  leafText(): string | undefined {
    if (this.childEmpty) return '';
    const src = this.src;
    const start = this.pos;
    let sections = 0;
    let firstCdata = -1;
    let lastCdataEnd = -1;
    for (let i = start; ;) {
      const lt = src.indexOf('<', i);
      if (lt === -1) return undefined;
      const next = src.charCodeAt(lt + 1);
      if (next === SLASH) {
        const after = this.endTagEnd(lt, this.childRaw);
        if (after === -1) return undefined;
        this.pos = after;
        if (sections === 1 && firstCdata === start && lastCdataEnd + 3 === lt) {
          // Exactly one CDATA section and nothing else (the Node SDK's shape): its content, literally.
          const text = src.slice(start + 9, lastCdataEnd);
          return text.indexOf('\r') === -1 ? text : text.replace(CR_LF, '\n');
        }
        return decodeLeaf(src.slice(start, lt), sections > 0, this.childName);
      }
      if (next !== BANG || !src.startsWith('[CDATA[', lt + 2)) return undefined;
      const cdataEnd = src.indexOf(']]>', lt + 9);
      if (cdataEnd === -1) return undefined;
      if (sections++ === 0) firstCdata = lt;
      lastCdataEnd = cdataEnd;
      i = cdataEnd + 3;
    }
  }

  /**
   * Skips the child just opened when it is an element the caller does not know that holds plain
   * text only (what the slow path ignores); false when it is anything more.
   */
  skipUnknown(): boolean {
    if (!isPlainUnknownName(this.childName)) return false;
    if (this.childEmpty) return true;
    const src = this.src;
    const lt = src.indexOf('<', this.pos);
    if (lt === -1 || src.charCodeAt(lt + 1) !== SLASH) return false;
    if (src.slice(this.pos, lt).indexOf('&') !== -1) return false;
    const after = this.endTagEnd(lt, this.childRaw);
    if (after === -1) return false;
    this.pos = after;
    return true;
  }

  /** True when nothing but whitespace follows the root's end tag. */
  finish(): boolean {
    return skipWhitespace(this.src, this.pos) === this.src.length;
  }

  /**
   * End of `prefix:local` or `local` at `i`, or -1. Sets {@link childName} to the local part
   * (a slice is taken only on success).
   */
  private qualifiedNameEnd(i: number): number {
    const src = this.src;
    const first = namePartEnd(src, i);
    if (first === -1) return -1;
    if (src.charCodeAt(first) !== COLON) {
      this.childName = src.slice(i, first);
      return first;
    }
    // `xmlns:` is a declaration prefix, never an element's; leave such oddities to the slow path.
    if (src.startsWith('xmlns:', i) && first - i === 5) return -1;
    const second = namePartEnd(src, first + 1);
    if (second === -1 || src.charCodeAt(second) === COLON) return -1;
    this.childName = src.slice(first + 1, second);
    return second;
  }

  /** After `</` at `lt`: `raw` then optional whitespace then `>`; index after it, or -1. */
  private endTagEnd(lt: number, raw: string): number {
    const src = this.src;
    if (!matchesAt(src, lt + 2, raw)) return -1;
    const i = skipWhitespace(src, lt + 2 + raw.length);
    return src.charCodeAt(i) === GT ? i + 1 : -1;
  }

  /**
   * `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` and the like: pseudo-attributes made
   * of ASCII name characters, `=`, whitespace and properly quoted values without markup.
   */
  private skipDeclaration(): boolean {
    const src = this.src;
    const end = src.indexOf('?>', this.pos + 6);
    if (end === -1) return false;
    for (let i = this.pos + 6; i < end; i++) {
      const c = src.charCodeAt(i);
      if (c === 0x22 || c === 0x27) {
        const close = src.indexOf(c === 0x22 ? '"' : "'", i + 1);
        if (close === -1 || close >= end) return false;
        for (let k = i + 1; k < close; k++) {
          if (!isNameChar(src.charCodeAt(k)) && src.charCodeAt(k) !== 0x20) return false;
        }
        i = close;
      } else if (!isNameChar(c) && !isWhitespace(c) && c !== 0x3d /* = */) {
        return false;
      }
    }
    this.pos = end + 2;
    return true;
  }

  /**
   * Root attributes (`xmlns="…"`, `xmlns:ns='…'`, anything `name="value"`), ignored like the slow
   * path does: each preceded by whitespace, `=` without spaces, a quoted value without `<` or `&`,
   * no name twice. Ends after `>` or `/>` (then {@link rootEmpty}).
   */
  private skipRootAttributes(): boolean {
    const src = this.src;
    let seen: string[] | undefined;
    let i = this.pos;
    for (;;) {
      const afterSpace = skipWhitespace(src, i);
      const c = src.charCodeAt(afterSpace);
      if (c === GT || (c === SLASH && src.charCodeAt(afterSpace + 1) === GT)) {
        this.rootEmpty = c === SLASH;
        this.pos = afterSpace + (c === SLASH ? 2 : 1);
        return true;
      }
      if (afterSpace === i) return false;
      const nameEnd = this.attributeNameEnd(afterSpace);
      if (nameEnd === -1 || src.charCodeAt(nameEnd) !== 0x3d /* = */) return false;
      const quote = src.charCodeAt(nameEnd + 1);
      if (quote !== 0x22 && quote !== 0x27) return false;
      const close = src.indexOf(quote === 0x22 ? '"' : "'", nameEnd + 2);
      if (close === -1) return false;
      const value = src.slice(nameEnd + 2, close);
      if (value.indexOf('<') !== -1 || value.indexOf('&') !== -1) return false;
      const name = src.slice(afterSpace, nameEnd);
      if (seen === undefined) seen = [name];
      else if (seen.includes(name)) return false;
      else seen.push(name);
      i = close + 1;
    }
  }

  private attributeNameEnd(i: number): number {
    const src = this.src;
    const first = namePartEnd(src, i);
    if (first === -1 || src.charCodeAt(first) !== COLON) return first;
    const second = namePartEnd(src, first + 1);
    return second === -1 || src.charCodeAt(second) === COLON ? -1 : second;
  }
}
