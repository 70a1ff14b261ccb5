/**
 * Bounds what a request document can cost before any parser sees it. The protocol's request
 * documents are flat: a root whose children are text-only leaves (`<Message>` with `MessageBody`,
 * `MessageTag`, `Properties`; `<ReceiptHandles>` with up to 16 `ReceiptHandle`). One pass over the
 * markup (no allocation per element) refuses anything else as the cloud does with a document that
 * does not validate against its schema: an unknown element, an element inside a leaf, too many
 * children. So a document within the size limit reaches the parser with a handful of elements, and
 * parsing it costs a small multiple of its size, whatever a hostile client puts in it.
 */
import { malformedXml, schemaViolation } from '../../protocol/index.js';

export interface RequestShape {
  root: string;
  children: readonly string[];
  maxChildren: number;
  /** The error for one child too many (the cloud's wording differs per document). */
  tooMany: (name: string) => Error;
}

export const PUBLISH_SHAPE: RequestShape = {
  root: 'Message',
  children: ['MessageBody', 'MessageTag', 'Properties'],
  maxChildren: 3,
  // Each leaf may appear once: a fourth child repeats one.
  tooMany: (name) => schemaViolation(name, `<${name}> appears more than once`),
};

export function handlesShape(tooMany: () => Error): RequestShape {
  return { root: 'ReceiptHandles', children: ['ReceiptHandle'], maxChildren: 16, tooMany };
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const COLON = 0x3a;

/**
 * Throws the cloud's error for a document that is not of this shape. Markup it cannot follow (an
 * unterminated tag, comment or CDATA section, a DOCTYPE) is MalformedXML, as the parser would say.
 * Well-formedness is otherwise left to the parser, which runs next on a now bounded document.
 */
export function checkRequestShape(xml: string, shape: RequestShape): void {
  let depth = 0;
  let roots = 0;
  let children = 0;
  let leaf = '';
  let at = xml.indexOf('<');
  while (at !== -1) {
    const next = xml.charCodeAt(at + 1);
    if (next === QUESTION) {
      at = skipPast(xml, at + 2, '?>');
    } else if (next === BANG) {
      if (xml.startsWith('<!--', at)) at = skipPast(xml, at + 4, '-->');
      else if (xml.startsWith('<![CDATA[', at)) at = skipPast(xml, at + 9, ']]>');
      else throw malformedXml('markup declarations (DOCTYPE, ENTITY) are not allowed');
    } else {
      const end = tagEnd(xml, at + 1);
      const closing = next === SLASH;
      const selfClosing = !closing && xml.charCodeAt(end - 1) === SLASH;
      if (closing) {
        if (--depth < 0) throw malformedXml('an end tag without its start tag');
      } else {
        const name = localName(xml, at + 1, end);
        if (depth === 0) {
          if (++roots > 1) throw malformedXml('more than one root element');
          if (name !== shape.root) {
            throw malformedXml(`root element is <${name}>, expected <${shape.root}>`);
          }
        } else if (depth === 1) {
          if (!shape.children.includes(name)) {
            throw schemaViolation(name, `<${name}> is not an element of <${shape.root}>`);
          }
          if (++children > shape.maxChildren) throw shape.tooMany(name);
          leaf = name;
        } else {
          throw schemaViolation(leaf, `<${leaf}> holds text only, found <${name}>`);
        }
        if (!selfClosing) depth++;
      }
      at = end + 1;
    }
    at = xml.indexOf('<', at);
  }
}

/** Index just past `terminator`, searched from `from`; MalformedXML when it never comes. */
function skipPast(xml: string, from: number, terminator: string): number {
  const end = xml.indexOf(terminator, from);
  if (end === -1) throw malformedXml(`unterminated markup, expected "${terminator}"`);
  return end + terminator.length;
}

/** Index of the `>` closing the tag that starts at `from` (quoted attribute values may hold `>`). */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
    } else if (c === GT) {
      return i;
    } else if (c === LT) {
      break;
    }
  }
  throw malformedXml('unterminated tag');
}

/** The element's name without its namespace prefix (`<a:Message xmlns:a=...>` is `Message`). */
function localName(xml: string, from: number, end: number): string {
  let stop = from;
  let colon = -1;
  while (stop < end) {
    const c = xml.charCodeAt(stop);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === SLASH) break;
    if (c === COLON) colon = stop;
    stop++;
  }
  if (stop === from) throw malformedXml('an element without a name');
  return xml.slice(colon === -1 ? from : colon + 1, stop);
}
