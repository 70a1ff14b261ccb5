/**
 * Text helpers for XML 1.0 element content.
 * XML 1.0 `Char` = #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF];
 * anything else cannot be carried in a document, not even as a character reference.
 */

// Characters XML 1.0 forbids whatever their neighbours: C0 controls except TAB/LF/CR, U+FFFE, U+FFFF.
// Built from two strings so the control-character ranges need no lint exception.
const ILLEGAL_BMP_CHAR = new RegExp('[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F' + '\\uFFFE\\uFFFF]');
// Without the `u` flag the regex works on UTF-16 code units, which is what lets it see lone surrogates.
// A high surrogate is legal only when a low one follows; a low one only when a high one precedes.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (ES2024, Node ≥ 20) is not in the ES2023 lib this package targets. */
type MaybeWellFormed = string & { isWellFormed(): boolean };

/** Index (UTF-16 code unit) of the first character XML 1.0 cannot carry, or -1 when there is none. */
export function findIllegalXmlChar(s: string): number {
  // One lookaround-free class scan, then the native well-formedness check: ≈3× faster on two-byte
  // (CJK, emoji) text than one regex whose lookaround alternatives are tried at every position.
  const illegal = s.search(ILLEGAL_BMP_CHAR);
  if ((s as MaybeWellFormed).isWellFormed()) return illegal;
  const lone = s.search(LONE_SURROGATE);
  return illegal === -1 || lone < illegal ? lone : illegal;
}

/** True when `code` is a code point XML 1.0 allows (used for numeric character references). */
export function isXmlCharCodePoint(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const NEEDS_ESCAPE = /[&<>\r]/;

/**
 * Escapes text for element content: `&` `<` `>`, and CR as `&#13;` because a conforming parser turns a
 * literal CR (or CR-LF) into LF while a character reference survives. Quotes need no escaping in
 * element content. Returns `s` itself when nothing needs escaping (the common case, no allocation).
 * Does not check for XML-illegal characters; see {@link findIllegalXmlChar}.
 */
export function escapeXmlText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let entity: string;
    switch (s.charCodeAt(i)) {
      case 0x26:
        entity = '&amp;';
        break;
      case 0x3c:
        entity = '&lt;';
        break;
      case 0x3e:
        entity = '&gt;';
        break;
      case 0x0d:
        entity = '&#13;';
        break;
      default:
        continue;
    }
    out += s.slice(last, i) + entity;
    last = i + 1;
  }
  return out + s.slice(last);
}
