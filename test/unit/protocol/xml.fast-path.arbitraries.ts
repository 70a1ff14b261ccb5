/**
 * fast-check generators of well-formed MQ documents in every shape the SDKs and servers produce
 * (PROTOCOL.md §4.1): BOM or not, any declaration or none, namespace with/without slash, none, or
 * prefixed names; entities (ours, Python, Go), CDATA (Node, `]]>` split correctly), numeric
 * references in decimal/hex with leading zeros, mixed encodings, indentation with spaces, tabs or
 * CR-LF, reordered elements, self-closing empty leaves, unknown plain elements. Plus mutations that
 * break them in the ways that matter for the fast path.
 */
import fc from 'fast-check';
import { escapeXmlText } from '../../../lib/protocol/index.js';

/** Characters chosen to hit every branch of a text decoder; all legal in XML 1.0. */
const CHAR = fc.constantFrom(
  ...'aZ0 :|-_.'.split(''),
  ...'&<>"\'];[!?#x'.split(''),
  '\n',
  '\r',
  '\t',
  'é',
  '你',
  '😀',
  '\u2028',
  '\uFEFF',
);
export const TEXT = fc.oneof(
  fc.string({ unit: CHAR, maxLength: 24 }),
  fc.constantFrom('', ' ', ']]>', 'x]]>y', '&amp;lt;', '\r\n', ' padded '),
);
export const NON_EMPTY_TEXT = TEXT.filter((s) => s.length > 0);
/** Integers as servers and hand-written documents spell them. */
const INTEGER_TEXT = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom('0', '007', ' 12', '12 ', '\t\n5\n', '1767225600000', '9007199254740991'),
);

type Style = 'ours' | 'python' | 'go' | 'cdata' | 'mixed';
const STYLE = fc.constantFrom<Style>('ours', 'python', 'go', 'cdata', 'mixed');

function go(ch: string): string {
  const map: Record<string, string> = {
    '"': '&#34;',
    "'": '&#39;',
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '\t': '&#x9;',
    '\n': '&#xA;',
    '\r': '&#xD;',
  };
  return map[ch] ?? ch;
}

/** One code point in one of several legal spellings, picked by `pick`. */
function mixedChar(ch: string, pick: number): string {
  const code = ch.codePointAt(0) as number;
  switch (pick % 5) {
    case 0:
      return '&#' + code + ';';
    case 1:
      return '&#x00' + code.toString(16).toUpperCase() + ';';
    case 2:
      return '<![CDATA[' + ch + ']]>';
    case 3:
      return '&#x' + code.toString(16) + ';';
    default:
      return escapeXmlText(ch).replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  }
}

export function encodeText(value: string, style: Style, picks: number[]): string {
  switch (style) {
    case 'ours':
      return escapeXmlText(value);
    case 'python':
      return value
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
    case 'go':
      return Array.from(value, go).join('');
    case 'cdata':
      return '<![CDATA[' + value.split(']]>').join(']]]]><![CDATA[>') + ']]>';
    default:
      return Array.from(value, (ch, i) => mixedChar(ch, picks[i % picks.length] ?? i)).join('');
  }
}

/** A leaf to render: text already chosen, spelling chosen at render time. */
export interface LeafSpec {
  name: string;
  value: string;
  /** Written as is: unknown elements, which the fast path skips only when they hold plain text. */
  plain?: boolean;
}
export interface ContainerSpec {
  name: string;
  children: Array<LeafSpec | ContainerSpec>;
}

export interface Format {
  bom: boolean;
  declaration: string;
  namespace: 'none' | 'slash' | 'no-slash' | 'prefixed' | 'two-attributes';
  separator: string;
  styles: Style[];
  picks: number[];
  emptyForm: number;
  trailing: string;
}

export const FORMAT: fc.Arbitrary<Format> = fc.record({
  bom: fc.boolean(),
  declaration: fc.constantFrom(
    '',
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    '<?xml version="1.0" ?>\n',
    "<?xml version='1.0' encoding='UTF-8'?>",
  ),
  namespace: fc.constantFrom('none', 'slash', 'no-slash', 'prefixed', 'two-attributes'),
  separator: fc.constantFrom('', '\n  ', '\n\t', '\r\n    ', ' '),
  styles: fc.array(STYLE, { minLength: 1, maxLength: 6 }),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
  emptyForm: fc.nat(2),
  trailing: fc.constantFrom('', '\n', '\r\n', '  \t'),
});

const NS = 'http://mq.aliyuncs.com/doc/v1';

export function renderDocument(root: ContainerSpec, f: Format): string {
  const prefix = f.namespace === 'prefixed' ? 'mq:' : '';
  const attributes = {
    none: '',
    slash: ` xmlns="${NS}/"`,
    'no-slash': ` xmlns="${NS}"`,
    prefixed: ` xmlns:mq="${NS}"`,
    'two-attributes': ` xmlns="${NS}" xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'`,
  }[f.namespace];
  let leafIndex = 0;
  const render = (node: LeafSpec | ContainerSpec, depth: number): string => {
    const tag = prefix + node.name;
    const indent = f.separator + (f.separator.length > 0 ? '  '.repeat(depth) : '');
    if ('children' in node) {
      const inner = node.children.map((c) => render(c, depth + 1)).join('');
      return indent + '<' + tag + '>' + inner + indent + '</' + tag + '>';
    }
    const i = leafIndex++;
    if (node.value.length === 0 && f.emptyForm > 0) {
      return indent + '<' + tag + (f.emptyForm === 1 ? '/>' : ' />');
    }
    const style = f.styles[i % f.styles.length] as Style;
    const text = node.plain === true ? node.value : encodeText(node.value, style, f.picks);
    return indent + '<' + tag + '>' + text + '</' + tag + '>';
  };
  const inner = root.children.map((c) => render(c, 1)).join('');
  const rootTag = prefix + root.name;
  return (
    (f.bom ? '\uFEFF' : '') +
    f.declaration +
    '<' +
    rootTag +
    attributes +
    '>' +
    inner +
    f.separator +
    '</' +
    rootTag +
    '>' +
    f.trailing
  );
}

const leaf = (name: string, value: fc.Arbitrary<string>): fc.Arbitrary<LeafSpec> =>
  value.map((v) => ({ name, value: v }));
const UNKNOWN = fc.constantFrom<LeafSpec>(
  { name: 'Extra', value: 'x y z', plain: true },
  { name: 'Method', value: 'GET', plain: true },
  { name: 'FutureField2', value: '', plain: true },
);

/** Required leaves, optional leaves (each present or not) and maybe an unknown one, shuffled. */
function container(
  name: string,
  required: Array<fc.Arbitrary<LeafSpec>>,
  optional: Array<fc.Arbitrary<LeafSpec>>,
): fc.Arbitrary<ContainerSpec> {
  return fc
    .tuple(
      fc.tuple(...required),
      fc.tuple(...optional.map((o) => fc.option(o, { nil: undefined }))),
      fc.option(UNKNOWN, { nil: undefined }),
    )
    .chain(([req, opt, unknown]) => {
      const all = [...req, ...opt, unknown].filter((c): c is LeafSpec => c !== undefined);
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    })
    .map((children) => ({ name, children }));
}

export const PUBLISH_REQUEST = container(
  'Message',
  [leaf('MessageBody', TEXT)],
  [leaf('MessageTag', TEXT), leaf('Properties', TEXT)],
);
export const PUBLISH_RESPONSE = container(
  'Message',
  [leaf('MessageId', NON_EMPTY_TEXT), leaf('MessageBodyMD5', TEXT)],
  [leaf('ReceiptHandle', TEXT)],
);
const CONSUMED_MESSAGE = container(
  'Message',
  [
    leaf('MessageId', NON_EMPTY_TEXT),
    leaf('ReceiptHandle', NON_EMPTY_TEXT),
    leaf('MessageBody', TEXT),
    leaf('PublishTime', INTEGER_TEXT),
    leaf('FirstConsumeTime', INTEGER_TEXT),
    leaf('NextConsumeTime', INTEGER_TEXT),
    leaf('ConsumedTimes', INTEGER_TEXT),
  ],
  [leaf('MessageBodyMD5', TEXT), leaf('MessageTag', TEXT), leaf('Properties', TEXT)],
);
export const CONSUME_RESPONSE = fc
  .array(CONSUMED_MESSAGE, { maxLength: 4 })
  .map((children) => ({ name: 'Messages', children }));
export const RECEIPT_HANDLES = fc
  .array(leaf('ReceiptHandle', TEXT), { maxLength: 5 })
  .map((children) => ({ name: 'ReceiptHandles', children }));
const ERROR = container(
  'Error',
  [leaf('Code', NON_EMPTY_TEXT)],
  [leaf('Message', TEXT), leaf('RequestId', TEXT), leaf('HostId', TEXT)],
);
const ACK_ERROR = container(
  'Error',
  [leaf('ErrorCode', NON_EMPTY_TEXT), leaf('ReceiptHandle', TEXT)],
  [leaf('ErrorMessage', TEXT)],
);
export const ERROR_RESPONSE = fc.oneof(
  ERROR,
  fc.array(ACK_ERROR, { maxLength: 3 }).map((children) => ({ name: 'Errors', children })),
);

/** Snippets whose insertion anywhere must never make the fast path disagree with the slow one. */
const SNIPPET = fc.constantFrom(
  '<!-- c -->',
  '<?pi x?>',
  '<?xml version="1.0"?>',
  '<!DOCTYPE Message>',
  ']]>',
  '<![CDATA[',
  '</Message>',
  '<Message>',
  '<x>',
  '<x/>',
  '&',
  '&bogus;',
  '&#0;',
  '&#x110000;',
  '\u0001',
  '\uD800',
  '\uFFFE',
  '<',
  '>',
  '/',
  '"',
  ' a="b"',
  'junk',
  '\uFEFF',
  '\r',
);

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'replace'; at: number; text: string }
  | { op: 'truncate'; at: number };

const MUTATION: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(SNIPPET, CHAR) }),
  fc.record({
    op: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: fc.oneof(CHAR, SNIPPET) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);
export const MUTATIONS = fc.array(MUTATION, { minLength: 1, maxLength: 3 });

export function mutate(doc: string, mutations: Mutation[]): string {
  let out = doc;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.op === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.op === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.op === 'replace') out = out.slice(0, at) + m.text + out.slice(at + 1);
    else out = out.slice(0, at);
  }
  return out;
}
