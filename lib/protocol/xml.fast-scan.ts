/**
 * A strict, allocation-light scanner for the flat shapes of the protocol's documents: optional BOM,
 * optional `<?xml …?>` declaration, one root element (attributes allowed and ignored, so any
 * namespace works), whitespace between elements, text-only leaves (entities and/or CDATA, or
 * self-closing), and container children one level down (`<Message>` in `<Messages>`, `<Error>` in
 * `<Errors>`). Names may carry one `prefix:`; only local names are compared.
 *
 * It is a FAST PATH only. Whenever the input is anything but such a common, well-formed document
 * (comments, PIs or DOCTYPE anywhere, attributes on children, deeper nesting, a malformed tag,
 * a doubtful declaration…), a method answers `undefined` or `NOT_HANDLED` and the caller falls back
 * to the fast-xml-parser path, which stays authoritative and produces the exact errors. The rule
 * is: never accept what the slow path rejects, and return exactly its value when accepting (this is
 * what test/unit/protocol/xml.fast-path.spec.ts checks differentially).
 */
import { findIllegalXmlChar } from './text.js';
import {
  BANG,
  COLON,
  CR_LF,
  GT,
  LT,
  SLASH,
  isPlainText,
  isPlainUnknownName,
  matchesAt,
  nameAt,
  namePartEnd,
  skipDeclaration,
  skipRootAttributes,
  skipWhitespace,
} from './xml.fast-lexer.js';
import { XmlDocumentError } from './xml.errors.js';
import { decodeLeafContent } from './xml.leaf.js';

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
    if (xml.startsWith('<?xml ', s.pos)) {
      s.pos = skipDeclaration(xml, s.pos);
      if (s.pos === -1) return undefined;
    }
    s.pos = skipWhitespace(xml, s.pos);
    if (xml.charCodeAt(s.pos) !== LT) return undefined;
    const nameStart = s.pos + 1;
    const nameEnd = s.qualifiedNameEnd(nameStart);
    if (nameEnd === -1) return undefined;
    s.rootRaw = xml.slice(nameStart, nameEnd);
    s.rootName = s.childName;
    if (!rootNames.includes(s.rootName)) return undefined;
    const tagEnd = skipRootAttributes(xml, nameEnd);
    if (tagEnd === -1) return undefined;
    s.rootEmpty = xml.charCodeAt(tagEnd) === SLASH;
    s.pos = tagEnd + (s.rootEmpty ? 2 : 1);
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
}
