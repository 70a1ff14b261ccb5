/**
 * Decoding of the raw content of a text-only ("leaf") element, e.g. everything between
 * `<MessageBody>` and `</MessageBody>`. fast-xml-parser hands leaves over untouched (they are stop
 * nodes), so this single pass does what a conforming XML parser does with character data:
 * CDATA sections are taken literally, the five predefined entities and numeric character references
 * are decoded, comments and processing instructions are dropped. Anything else (an undefined entity,
 * a bare `&`, `]]>` outside CDATA, a reference to a character XML forbids) is not well-formed.
 * Line endings were already normalised to LF by the parser, before this runs.
 */
import { isXmlCharCodePoint } from './text.js';
import { malformedXml, schemaViolation } from './xml.errors.js';

/** Decodes the raw content of leaf `element`. Throws an `XmlDocumentError`. */
export function decodeLeafContent(raw: string, element: string): string {
  // Fast path: plain text, the common case for ids, numbers and most bodies. No copy.
  if (raw.indexOf('&') === -1 && raw.indexOf('<') === -1) {
    if (raw.indexOf(']]>') !== -1) throw malformedXml(`"]]>" in the text of ${element}`);
    return raw;
  }
  let out = '';
  let i = 0;
  const len = raw.length;
  while (i < len) {
    const amp = raw.indexOf('&', i);
    const lt = raw.indexOf('<', i);
    const next = amp === -1 ? lt : lt === -1 ? amp : Math.min(amp, lt);
    const textEnd = next === -1 ? len : next;
    if (textEnd > i) {
      const text = raw.slice(i, textEnd);
      if (text.indexOf(']]>') !== -1) throw malformedXml(`"]]>" in the text of ${element}`);
      out += text;
    }
    if (next === -1) break;
    if (next === amp) {
      const [decoded, after] = decodeReference(raw, amp, element);
      out += decoded;
      i = after;
    } else if (raw.startsWith('<![CDATA[', lt)) {
      const end = raw.indexOf(']]>', lt + 9);
      if (end === -1) throw malformedXml(`unterminated CDATA section in ${element}`);
      out += raw.slice(lt + 9, end);
      i = end + 3;
    } else if (raw.startsWith('<!--', lt)) {
      const end = raw.indexOf('-->', lt + 4);
      if (end === -1) throw malformedXml(`unterminated comment in ${element}`);
      i = end + 3;
    } else if (raw.startsWith('<?', lt)) {
      const end = raw.indexOf('?>', lt + 2);
      if (end === -1) throw malformedXml(`unterminated processing instruction in ${element}`);
      i = end + 2;
    } else if (raw.startsWith('<!', lt)) {
      throw malformedXml(`markup declaration inside ${element}`);
    } else {
      // A child element where the schema allows text only.
      throw schemaViolation(element);
    }
  }
  return out;
}

const MAX_REFERENCE_LENGTH = 12; // `&#x0010FFFF;` is the longest sensible reference

/** Decodes the reference starting at `raw[amp] === '&'`; returns the text and the index after `;`. */
function decodeReference(raw: string, amp: number, element: string): [string, number] {
  const semi = raw.indexOf(';', amp + 1);
  if (semi === -1 || semi - amp > MAX_REFERENCE_LENGTH) {
    throw malformedXml(`bare "&" or unterminated reference in ${element}`);
  }
  const name = raw.slice(amp + 1, semi);
  switch (name) {
    case 'amp':
      return ['&', semi + 1];
    case 'lt':
      return ['<', semi + 1];
    case 'gt':
      return ['>', semi + 1];
    case 'quot':
      return ['"', semi + 1];
    case 'apos':
      return ["'", semi + 1];
  }
  let code = Number.NaN;
  if (/^#[0-9]+$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  else if (/^#x[0-9A-Fa-f]+$/.test(name)) code = Number.parseInt(name.slice(2), 16);
  if (Number.isNaN(code)) throw malformedXml(`undefined entity "&${name};" in ${element}`);
  if (!isXmlCharCodePoint(code)) {
    throw malformedXml(`reference to a character XML cannot carry in ${element}`);
  }
  return [String.fromCodePoint(code), semi + 1];
}
