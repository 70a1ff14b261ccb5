/**
 * Reading side of the XML codec: well-formedness checks, the fast-xml-parser set-up, and small
 * accessors that turn its ordered node list into the values of one document.
 *
 * fast-xml-parser options and why:
 * - `preserveOrder: true`: children come as an ordered list, so repeated elements (`Message`,
 *   `ReceiptHandle`, `Error`) are naturally lists and text between elements is visible.
 * - `stopNodes` = every text-only element: their raw content is cut out with one `substring`
 *   instead of being accumulated character by character (≈40× faster on a 4 MB body), and decoded by
 *   `decodeLeafContent` (CDATA, all entities incl. numeric and astral references, strict errors).
 * - `processEntities: false`, `htmlEntities: false`: the library decodes numeric references only in
 *   HTML mode and would accept undefined entities; our decoder does it exactly once and strictly, so
 *   `&amp;lt;` stays `&lt;`.
 * - `parseTagValue: false`, `trimValues: false`: values are never trimmed or number-guessed.
 * - `removeNSPrefix: true`, `ignoreAttributes: true`: namespaces (with/without slash, prefixed or
 *   none) are ignored; only local names matter.
 * - `ignoreDeclaration`, `ignorePiTags`: prolog noise is dropped; comments are dropped by default.
 * - `jPath: false`: no path strings are built per element (we use no callbacks).
 * The library's `XMLValidator` checks tag structure first (mismatched/unclosed tags, several roots,
 * text outside the root, bad names); it is lenient about entities, `]]>` in text, illegal characters
 * and DOCTYPE, which are checked here and in `decodeLeafContent`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { findIllegalXmlChar } from './text.js';
import { decodeLeafContent } from './xml.leaf.js';
import { malformedXml, schemaViolation } from './xml.errors.js';

/** Elements whose content is text only, in every document of the protocol. */
const LEAF_ELEMENTS = [
  'MessageBody',
  'MessageTag',
  'Properties',
  'MessageId',
  'MessageBodyMD5',
  'ReceiptHandle',
  'PublishTime',
  'FirstConsumeTime',
  'NextConsumeTime',
  'ConsumedTimes',
  'Code',
  'RequestId',
  'HostId',
  'Method',
  'ErrorCode',
  'ErrorMessage',
];

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  jPath: false,
  // `Message` is a container everywhere except as the child of a top-level `<Error>`.
  stopNodes: [...LEAF_ELEMENTS.map((name) => '..' + name), 'Error.Message'],
});

/** One node of fast-xml-parser's ordered output: `{ [tagName]: children }` or `{ '#text': raw }`. */
export type XmlNode = Record<string, unknown>;

/** An element: its local name and its ordered children. */
export interface XmlElement {
  name: string;
  children: XmlNode[];
}

/**
 * Parses `xml` and returns its root element; throws MalformedXML unless the document is well-formed
 * and the root has one of the `rootNames`.
 */
export function readRoot(xml: string, ...rootNames: string[]): XmlElement {
  if (typeof xml !== 'string') throw malformedXml('the document is not a string');
  // A BOM is allowed before the declaration; the parser does not expect it.
  const doc = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  rejectDoctype(doc);
  const illegal = findIllegalXmlChar(doc);
  if (illegal !== -1) throw malformedXml(`character XML 1.0 cannot carry at offset ${illegal}`);
  const verdict = XMLValidator.validate(doc);
  if (verdict !== true) throw malformedXml(verdict.err.msg);
  let nodes: XmlNode[];
  try {
    nodes = parser.parse(doc) as XmlNode[];
  } catch (err) {
    throw malformedXml(err instanceof Error ? err.message : String(err));
  }
  let root: XmlElement | undefined;
  for (const node of nodes) {
    const element = asElement(node);
    if (element === undefined) {
      if (!isWhitespaceText(node)) throw malformedXml('text outside the root element');
      continue;
    }
    if (root !== undefined) throw malformedXml('more than one root element');
    root = element;
  }
  if (root === undefined) throw malformedXml('no root element');
  if (!rootNames.includes(root.name)) {
    throw malformedXml(`root element is <${root.name}>, expected <${rootNames.join('> or <')}>`);
  }
  return root;
}

/**
 * A DOCTYPE is never legitimate in this protocol and is how entity-expansion attacks start, so any
 * `<!DOCTYPE` outside a CDATA section is rejected before parsing.
 */
function rejectDoctype(doc: string): void {
  for (let at = doc.indexOf('<!DOCTYPE'); at !== -1; at = doc.indexOf('<!DOCTYPE', at + 1)) {
    const cdataStart = doc.lastIndexOf('<![CDATA[', at);
    const insideCdata = cdataStart !== -1 && doc.indexOf(']]>', cdataStart + 9) > at;
    if (!insideCdata) throw malformedXml('DOCTYPE declarations are not allowed');
  }
}

/** The element a node stands for, or undefined for text/CDATA nodes. */
export function asElement(node: XmlNode): XmlElement | undefined {
  for (const key in node) {
    if (key === '#text' || key === '#cdata') return undefined;
    if (key === ':@') continue;
    // fast-xml-parser reads `<!ENTITY …>` and other declarations as elements named `!…`.
    if (key.charCodeAt(0) === 0x21)
      throw malformedXml(`markup declaration <${key} inside an element`);
    return { name: key, children: node[key] as XmlNode[] };
  }
  return undefined;
}

function isWhitespaceText(node: XmlNode): boolean {
  const text = node['#text'];
  return typeof text === 'string' && /^[ \t\r\n]*$/.test(text);
}

/**
 * Groups the element children of `parent` by local name (first occurrence order). Whitespace
 * between elements is ignored; any other text or CDATA directly inside a container violates the
 * schema.
 */
export function childElements(parent: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of parent.children) {
    const element = asElement(node);
    if (element !== undefined) out.push(element);
    else if (!isWhitespaceText(node)) {
      throw schemaViolation(parent.name, `text directly inside <${parent.name}>`);
    }
  }
  return out;
}

/** Decoded text of a leaf element (a stop node: one raw text child, possibly empty). */
export function leafText(element: XmlElement): string {
  const children = element.children;
  if (children.length === 0) return '';
  if (children.length !== 1) throw schemaViolation(element.name);
  const raw = children[0]?.['#text'];
  if (typeof raw !== 'string') throw schemaViolation(element.name);
  return decodeLeafContent(raw, element.name);
}

/**
 * The leaf children of a container, decoded, by name. Unknown children are ignored (forward
 * compatibility, as the Go and C++ SDKs do); a known leaf given twice violates the schema.
 */
export function readLeaves(container: XmlElement, known: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const child of childElements(container)) {
    if (!known.includes(child.name)) continue;
    if (values.has(child.name)) {
      throw schemaViolation(child.name, `<${child.name}> appears more than once`);
    }
    values.set(child.name, leafText(child));
  }
  return values;
}

/** A required leaf value (may be empty); InvalidArgument naming it when absent. */
export function required(values: Map<string, string>, name: string): string {
  const value = values.get(name);
  if (value === undefined) throw schemaViolation(name, `<${name}> is missing`);
  return value;
}

/** An optional leaf value; an empty element counts as absent. */
export function optional(values: Map<string, string>, name: string): string | undefined {
  const value = values.get(name);
  return value === undefined || value.length === 0 ? undefined : value;
}

const INTEGER = /^[ \t\n]*(\d{1,16})[ \t\n]*$/;

/** A required non-negative integer leaf (surrounding whitespace tolerated). */
export function requiredInteger(values: Map<string, string>, name: string): number {
  const match = INTEGER.exec(required(values, name));
  const n = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(n)) throw schemaViolation(name, `<${name}> is not an integer`);
  return n;
}
