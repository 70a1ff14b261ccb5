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
  return new LeafDecoder(raw, element).run();
}

/** Runs shorter than this are copied unit by unit; longer ones with one native `Buffer.write`. */
const SHORT_RUN = 24;

/**
 * Writes UTF-16LE code units into a buffer sized for the worst case (decoding never lengthens the
 * text: every reference is longer than what it stands for, CDATA markers disappear). Entity-dense
 * bodies (Python's `&quot;`, Go's `&#34;` in JSON) would otherwise cost one string concatenation per
 * reference; this stays linear and allocates once.
 */
class LeafDecoder {
  private readonly out: Buffer;
  private o = 0;
  // Next `&`, `<` and `]]>` at or after the cursor; searched again only once passed (linear scan).
  private amp = -2;
  private lt = -2;
  private cdataEnd = -2;

  constructor(
    private readonly raw: string,
    private readonly element: string,
  ) {
    this.out = Buffer.allocUnsafe(raw.length * 2);
  }

  run(): string {
    const raw = this.raw;
    const len = raw.length;
    let i = 0;
    while (i < len) {
      if (this.amp !== -1 && this.amp < i) this.amp = raw.indexOf('&', i);
      if (this.lt !== -1 && this.lt < i) this.lt = raw.indexOf('<', i);
      const amp = this.amp;
      const lt = this.lt;
      const next = amp === -1 ? lt : lt === -1 ? amp : amp < lt ? amp : lt;
      const textEnd = next === -1 ? len : next;
      if (textEnd > i) {
        this.checkNoCdataEnd(i, textEnd);
        this.copy(i, textEnd);
      }
      if (next === -1) break;
      i = next === amp ? this.reference(amp) : this.markup(lt);
    }
    return this.out.toString('utf16le', 0, this.o);
  }

  /** `]]>` may only close a CDATA section; in character data it is not well-formed. */
  private checkNoCdataEnd(from: number, to: number): void {
    if (this.cdataEnd !== -1 && this.cdataEnd < from) this.cdataEnd = this.raw.indexOf(']]>', from);
    if (this.cdataEnd !== -1 && this.cdataEnd < to) {
      throw malformedXml(`"]]>" in the text of ${this.element}`);
    }
  }

  private copy(from: number, to: number): void {
    if (to - from > SHORT_RUN) {
      this.o += this.out.write(this.raw.slice(from, to), this.o, 'utf16le');
      return;
    }
    for (let k = from; k < to; k++) this.unit(this.raw.charCodeAt(k));
  }

  private unit(code: number): void {
    this.out[this.o++] = code & 0xff;
    this.out[this.o++] = code >>> 8;
  }

  /** Handles `<` inside a leaf; returns the index after the construct. */
  private markup(lt: number): number {
    const raw = this.raw;
    if (raw.startsWith('<![CDATA[', lt)) {
      const end = raw.indexOf(']]>', lt + 9);
      if (end === -1) throw malformedXml(`unterminated CDATA section in ${this.element}`);
      this.copy(lt + 9, end);
      return end + 3;
    }
    if (raw.startsWith('<!--', lt)) {
      const end = raw.indexOf('-->', lt + 4);
      if (end === -1) throw malformedXml(`unterminated comment in ${this.element}`);
      return end + 3;
    }
    if (raw.startsWith('<?', lt)) {
      const end = raw.indexOf('?>', lt + 2);
      if (end === -1) throw malformedXml(`unterminated processing instruction in ${this.element}`);
      return end + 2;
    }
    if (raw.startsWith('<!', lt)) throw malformedXml(`markup declaration inside ${this.element}`);
    // A child element where the schema allows text only.
    throw schemaViolation(this.element, `element inside <${this.element}>, which holds text only`);
  }

  /** Decodes the reference at `raw[amp] === '&'`; returns the index after its `;`. */
  private reference(amp: number): number {
    const raw = this.raw;
    if (raw.charCodeAt(amp + 1) === 0x23 /* # */) return this.characterReference(amp);
    if (raw.startsWith('amp;', amp + 1)) return this.named(0x26, amp + 5);
    if (raw.startsWith('lt;', amp + 1)) return this.named(0x3c, amp + 4);
    if (raw.startsWith('gt;', amp + 1)) return this.named(0x3e, amp + 4);
    if (raw.startsWith('quot;', amp + 1)) return this.named(0x22, amp + 6);
    if (raw.startsWith('apos;', amp + 1)) return this.named(0x27, amp + 6);
    throw malformedXml(`bare "&" or undefined entity in ${this.element}`);
  }

  private named(code: number, after: number): number {
    this.unit(code);
    return after;
  }

  /** `&#123;` or `&#x7B;`, parsed arithmetically (no slice, no regex). */
  private characterReference(amp: number): number {
    const raw = this.raw;
    let j = amp + 2;
    const hex = raw.charCodeAt(j) === 0x78; /* x */
    if (hex) j++;
    let code = 0;
    let digits = 0;
    for (; ; j++) {
      const d = raw.charCodeAt(j);
      let value: number;
      if (d >= 0x30 && d <= 0x39) value = d - 0x30;
      else if (hex && d >= 0x41 && d <= 0x46) value = d - 0x37;
      else if (hex && d >= 0x61 && d <= 0x66) value = d - 0x57;
      else break;
      // Leading zeros are legal; anything beyond U+10FFFF stays out of range (and below 2^53).
      code = Math.min(code * (hex ? 16 : 10) + value, 0x110000);
      digits++;
    }
    if (digits === 0 || raw.charCodeAt(j) !== 0x3b /* ; */) {
      throw malformedXml(`malformed character reference in ${this.element}`);
    }
    if (!isXmlCharCodePoint(code)) {
      throw malformedXml(`reference to a character XML cannot carry in ${this.element}`);
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      this.unit(0xd800 + (code >>> 10));
      this.unit(0xdc00 + (code & 0x3ff));
    } else {
      this.unit(code);
    }
    return j + 1;
  }
}
