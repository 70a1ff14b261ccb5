/**
 * Differential tests of the XML fast path (xml.fast-parse.ts) against the authoritative
 * fast-xml-parser path (xml.slow-parse.ts):
 * - well-formed documents of every kind and SDK shape: the fast path handles them and returns
 *   exactly the slow path's value;
 * - mutated documents (random edits, truncation, injected markup, illegal characters): the fast
 *   path either declines or agrees, and the public parser behaves exactly like the slow path
 *   (same value, or same error class, code, message and detail).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  buildAckErrors,
  buildConsumeResponse,
  buildError,
  buildPublishRequest,
  buildPublishResponse,
  buildReceiptHandles,
  parseConsumeResponse,
  parseErrorResponse,
  parsePublishRequest,
  parsePublishResponse,
  parseReceiptHandles,
} from '../../../lib/protocol/index.js';
import {
  fastParseConsumeResponse,
  fastParseErrorResponse,
  fastParsePublishRequest,
  fastParsePublishResponse,
  fastParseReceiptHandles,
} from '../../../lib/protocol/xml.fast-parse.js';
import { plainParseConsumeResponse } from '../../../lib/protocol/xml.plain-consume.js';
import {
  parseSlowConsumeResponse,
  parseSlowErrorResponse,
  parseSlowPublishRequest,
  parseSlowPublishResponse,
  parseSlowReceiptHandles,
} from '../../../lib/protocol/xml.slow-parse.js';
import {
  CONSUME_RESPONSE,
  ERROR_RESPONSE,
  FORMAT,
  MUTATIONS,
  NON_EMPTY_TEXT,
  PUBLISH_REQUEST,
  PUBLISH_RESPONSE,
  RECEIPT_HANDLES,
  TEXT,
  mutate,
  renderDocument,
  type ContainerSpec,
} from './xml.fast-path.arbitraries.js';

interface Kind {
  name: string;
  docs: fc.Arbitrary<ContainerSpec>;
  fast: (xml: string) => unknown;
  slow: (xml: string) => unknown;
  pub: (xml: string) => unknown;
}

const KINDS: Kind[] = [
  {
    name: 'publish request',
    docs: PUBLISH_REQUEST,
    fast: fastParsePublishRequest,
    slow: parseSlowPublishRequest,
    pub: parsePublishRequest,
  },
  {
    name: 'publish response',
    docs: PUBLISH_RESPONSE,
    fast: fastParsePublishResponse,
    slow: parseSlowPublishResponse,
    pub: parsePublishResponse,
  },
  {
    name: 'consume response',
    docs: CONSUME_RESPONSE,
    fast: fastParseConsumeResponse,
    slow: parseSlowConsumeResponse,
    pub: parseConsumeResponse,
  },
  {
    name: 'receipt handles',
    docs: RECEIPT_HANDLES,
    fast: fastParseReceiptHandles,
    slow: parseSlowReceiptHandles,
    pub: parseReceiptHandles,
  },
  {
    name: 'error response',
    docs: ERROR_RESPONSE,
    fast: fastParseErrorResponse,
    slow: parseSlowErrorResponse,
    pub: parseErrorResponse,
  },
];

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { class: string; code: unknown; message: string; detail: unknown } };

function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    const e = err as Error & { code?: unknown; detail?: unknown };
    return {
      ok: false,
      error: { class: e.constructor.name, code: e.code, message: e.message, detail: e.detail },
    };
  }
}

describe.each(KINDS)('fast path vs slow path: $name', (kind) => {
  it('handles every well-formed SDK-shaped document and returns the slow path value', () => {
    fc.assert(
      fc.property(kind.docs, FORMAT, (spec, format) => {
        const xml = renderDocument(spec, format);
        const slow = outcome(() => kind.slow(xml));
        const fast = kind.fast(xml);
        if (slow.ok) {
          // Generated documents are well-formed; the only slow-path rejections are schema ones
          // (e.g. a 16-digit time beyond 2^53), and for those the fast path must decline.
          expect(fast).not.toBeUndefined();
          expect(fast).toEqual(slow.value);
        } else {
          expect(fast).toBeUndefined();
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never disagrees on mutated documents; the public parser behaves as the slow path', () => {
    let fastAccepted = 0;
    let slowRejected = 0;
    fc.assert(
      fc.property(kind.docs, FORMAT, MUTATIONS, (spec, format, mutations) => {
        const xml = mutate(renderDocument(spec, format), mutations);
        const slow = outcome(() => kind.slow(xml));
        const fast = kind.fast(xml);
        if (fast !== undefined) {
          fastAccepted++;
          expect(slow).toEqual({ ok: true, value: fast });
        }
        if (!slow.ok) slowRejected++;
        expect(outcome(() => kind.pub(xml))).toEqual(slow);
      }),
      { numRuns: 800 },
    );
    // Both branches were exercised: mutations that keep the document fine (in text, whitespace)
    // and mutations the slow path rejects.
    expect(fastAccepted).toBeGreaterThan(20);
    expect(slowRejected).toBeGreaterThan(200);
  });
});

describe('fast path on documents built by our own builders', () => {
  const TIME = fc.nat({ max: 2 ** 45 });

  it('parses every built document itself, to the built value', () => {
    const message = fc.record(
      {
        messageId: NON_EMPTY_TEXT,
        receiptHandle: NON_EMPTY_TEXT,
        bodyMd5: TEXT,
        body: TEXT,
        publishTime: TIME,
        firstConsumeTime: TIME,
        nextConsumeTime: TIME,
        consumedTimes: TIME,
        tag: NON_EMPTY_TEXT,
        properties: NON_EMPTY_TEXT,
      },
      { requiredKeys: ['messageId', 'receiptHandle', 'bodyMd5', 'body', 'publishTime'] },
    );
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 4 }),
        fc.array(TEXT, { maxLength: 4 }),
        (partial, handles) => {
          const msgs = partial.map((m) => ({
            firstConsumeTime: 0,
            nextConsumeTime: 0,
            consumedTimes: 1,
            ...m,
          }));
          // Parsing normalises a bare CR (the builders escape it, so it survives).
          expect(fastParseConsumeResponse(buildConsumeResponse(msgs))).toEqual(msgs);
          expect(fastParseReceiptHandles(buildReceiptHandles(handles))).toEqual(handles);
          const first = msgs[0]!;
          const request = { body: first.body, tag: first.tag, properties: first.properties };
          expect(fastParsePublishRequest(buildPublishRequest(request))).toEqual(
            parseSlowPublishRequest(buildPublishRequest(request)),
          );
          const response = { messageId: first.messageId, bodyMd5: first.bodyMd5 };
          expect(fastParsePublishResponse(buildPublishResponse(response))).toEqual(response);
          const error = { code: first.messageId, message: first.body, requestId: 'r', hostId: '' };
          expect(fastParseErrorResponse(buildError(error))).toEqual({ kind: 'error', error });
          const items = [{ code: first.messageId, message: first.body, receiptHandle: '' }];
          expect(fastParseErrorResponse(buildAckErrors(items))).toEqual({ kind: 'errors', items });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hand-picked edge documents: fast and slow paths agree for every parser', () => {
  const B = '<MessageBody>x</MessageBody>';
  const M = '<MessageId>m</MessageId><ReceiptHandle>h</ReceiptHandle><MessageBody/>';
  const times = (p: string, c: string): string =>
    `<PublishTime>${p}</PublishTime><FirstConsumeTime>1</FirstConsumeTime>` +
    `<NextConsumeTime>2</NextConsumeTime><ConsumedTimes>${c}</ConsumedTimes>`;
  const EDGE = [
    `<?xml ?><Message>${B}</Message>`,
    `<Message xmlns="a" xmlns="b">${B}</Message>`,
    `<Message\txmlns="a"\n>${B}</Message>`,
    `<Message xmlns="a"b="c">${B}</Message>`,
    `<Message xmlns:xmlns="a">${B}</Message>`,
    `<xmlns:Message>${B}</xmlns:Message>`,
    '<Messages xmlns="a"/>',
    '<ReceiptHandles></ReceiptHandles>',
    '<Errors/>',
    '<Message><MessageBody >x</MessageBody ></Message >',
    '<Message><MessageBody>x</mq:MessageBody></Message>',
    '<Message><MessageBody><![CDATA[</MessageBody>]]></MessageBody></Message>',
    '<Message><MessageBody><![CDATA[a\r\nb\r]]><![CDATA[c]]>d\re</MessageBody></Message>',
    `<Message><Extra>a]]>b > c</Extra>${B}</Message>`,
    `<Message><Message>t</Message>${B}</Message>`,
    `<Message><constructor>x</constructor>${B}</Message>`,
    `<Message><ToString>x</ToString>${B}</Message>`,
    '<Message><MessageBody/ ></Message>',
    `<Message>${B}<MessageTag>&#X41;</MessageTag></Message>`,
    `\uFEFF\uFEFF<Message>${B}</Message>`,
    `<?xml version="1.0"?><?xml version="1.0"?><Message>${B}</Message>`,
    `<?xml version="1.0?>"?><Message>${B}</Message>`,
    `<Messages><Message>${M}${times(' 1 ', '123456789012345')}</Message></Messages>`,
    `<Messages><Message>${M}${times('1234567890123456', '1')}</Message></Messages>`,
    `<Messages><Message>${M}${times('&#49;', '\r1')}</Message></Messages>`,
    `<Messages><Message>${M}${times('1', '-1')}</Message></Messages>`,
    '<Messages><Message>t</Message></Messages>',
    '<Errors><Error><ErrorCode>c</ErrorCode><ReceiptHandle/><Message>m</Message></Error></Errors>',
    '<Error><Code>c</Code><Method>GET</Method><Message>a&amp;b</Message></Error>',
    '<ReceiptHandles><ReceiptHandle>a</ReceiptHandle><ReceiptHandle/></ReceiptHandles>',
  ];

  it.each(EDGE)('%j', (xml) => {
    for (const kind of KINDS) {
      const slow = outcome(() => kind.slow(xml));
      const fast = kind.fast(xml);
      if (fast !== undefined) expect(slow).toEqual({ ok: true, value: fast });
      expect(outcome(() => kind.pub(xml))).toEqual(slow);
    }
  });
});

describe('fast path declines what it must leave to the slow path', () => {
  const body = '<MessageBody>a</MessageBody>';
  const CASES: Array<[string, string]> = [
    ['a comment between elements', `<Message><!-- c -->${body}</Message>`],
    ['a comment inside a leaf', '<Message><MessageBody>a<!-- c --></MessageBody></Message>'],
    ['a PI inside', `<Message><?pi x?>${body}</Message>`],
    ['a DOCTYPE', `<!DOCTYPE Message>${body.replace(/^/, '<Message>')}</Message>`],
    ['a leaf with an attribute', '<Message><MessageBody a="1">a</MessageBody></Message>'],
    ['a leaf given twice', `<Message>${body}${body}</Message>`],
    ['text between elements', `<Message>x${body}</Message>`],
    ['an unknown element with children', `<Message><X><Y>1</Y></X>${body}</Message>`],
    ['an unknown element with an entity', `<Message><Extra>&amp;</Extra>${body}</Message>`],
    ['an unknown lower-case element', `<Message><constructor>a</constructor>${body}</Message>`],
    ['a mismatched end tag', '<Message><MessageBody>a</MessageTag></Message>'],
    ['an unterminated root', `<Message>${body}`],
    ['text after the root', `<Message>${body}</Message>x`],
    ['two roots', `<Message>${body}</Message><Message>${body}</Message>`],
    ['a leaf containing <', '<Message><MessageBody>a<b</MessageBody></Message>'],
    ['an illegal character', '<Message><MessageBody>a\u0001</MessageBody></Message>'],
    ['"]]>" in text', '<Message><MessageBody>a]]>b</MessageBody></Message>'],
    ['an undefined entity', '<Message><MessageBody>&nbsp;</MessageBody></Message>'],
    ['a declaration after whitespace', ` <?xml version="1.0"?><Message>${body}</Message>`],
    ['a missing required element', '<Message><MessageTag>t</MessageTag></Message>'],
    ['a wrong root', `<Messages>${body}</Messages>`],
  ];

  it.each(CASES)('%s', (_label, xml) => {
    expect(fastParsePublishRequest(xml)).toBeUndefined();
    expect(outcome(() => parsePublishRequest(xml))).toEqual(
      outcome(() => parseSlowPublishRequest(xml)),
    );
  });

  it('a consume response with a 16-digit time beyond 2^53 goes to the slow path', () => {
    const xml = buildConsumeResponse([
      {
        messageId: 'm',
        receiptHandle: 'h',
        bodyMd5: '',
        body: '',
        publishTime: 1,
        firstConsumeTime: 1,
        nextConsumeTime: 1,
        consumedTimes: 1,
      },
    ]).replace('<PublishTime>1<', '<PublishTime>9999999999999999<');
    expect(fastParseConsumeResponse(xml)).toBeUndefined();
    expect(() => parseConsumeResponse(xml)).toThrow(/cause by PublishTime/);
  });
});

describe('plain publish answers (one regex match before the scanner)', () => {
  const HEX = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabcdef'), maxLength: 40 });
  const SPACE = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), maxLength: 3 });
  const PLAIN = fc
    .record({
      declaration: fc.boolean(),
      slash: fc.boolean(),
      id: HEX,
      md5: HEX,
      gaps: fc.array(SPACE, { minLength: 5, maxLength: 5 }),
    })
    .map(
      ({ declaration, slash, id, md5, gaps }) =>
        (declaration ? '<?xml version="1.0" encoding="UTF-8"?>' : '') +
        `${gaps[0]}<Message xmlns="http://mq.aliyuncs.com/doc/v1${slash ? '/' : ''}">${gaps[1]}` +
        `<MessageId>${id}</MessageId>${gaps[2]}<MessageBodyMD5>${md5}</MessageBodyMD5>${gaps[3]}` +
        `</Message>${gaps[4]}`,
    );

  it('the service and emulator form: fast value = slow value (an empty MessageId: both decline)', () => {
    fc.assert(
      fc.property(PLAIN, (xml) => {
        const slow = outcome(() => parseSlowPublishResponse(xml));
        const fast = fastParsePublishResponse(xml);
        if (slow.ok) expect(fast).toEqual(slow.value);
        else expect(fast).toBeUndefined();
        expect(outcome(() => parsePublishResponse(xml))).toEqual(slow);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated plain answers: the fast path never disagrees, the public parser is the slow one', () => {
    fc.assert(
      fc.property(PLAIN, MUTATIONS, (doc, mutations) => {
        const xml = mutate(doc, mutations);
        const slow = outcome(() => parseSlowPublishResponse(xml));
        const fast = fastParsePublishResponse(xml);
        if (fast !== undefined) expect(slow).toEqual({ ok: true, value: fast });
        expect(outcome(() => parsePublishResponse(xml))).toEqual(slow);
      }),
      { numRuns: 800 },
    );
  });

  it('answers of a transactional publish (with a ReceiptHandle) still parse, through the scanner', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1">' +
      '<MessageId>0A</MessageId><MessageBodyMD5>5D</MessageBodyMD5>' +
      '<ReceiptHandle>h-1</ReceiptHandle></Message>';
    expect(fastParsePublishResponse(xml)).toEqual({
      messageId: '0A',
      bodyMd5: '5D',
      receiptHandle: 'h-1',
    });
  });
});

describe('plain consume answers (native matches before the scanner)', () => {
  // Raw leaf text, written unescaped: plain values, and everything the matcher must leave to the
  // scanner (markup, entities, CR, `]]>`, characters XML cannot carry, lone surrogates).
  const RAW_CHAR = fc.constantFrom(
    ...'aZ09 :|-_.{}"\'>]/'.split(''),
    ...['\n', '\t', 'é', '你', '😀', '\uFEFF'],
    ...['<', '&', '&amp;', ']]>', '\r', '\u0001', '\uFFFE', '\uD800', '<![CDATA[x]]>'],
  );
  const RAW = fc.oneof(
    {
      weight: 30,
      arbitrary: fc.string({ unit: fc.constantFrom(...'aZ09 :|-_.{}"'), maxLength: 20 }),
    },
    { weight: 1, arbitrary: fc.string({ unit: RAW_CHAR, maxLength: 8 }) },
  );
  const TIME_TEXT = fc.oneof(
    { weight: 40, arbitrary: fc.nat({ max: 2 ** 45 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom('007', ' 12', '', '1234567890123456', '-1', '1e3') },
  );
  const GAP = fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom('', ' ', '\n  ', '\t') },
    { weight: 1, arbitrary: fc.constant('\r\n') },
  );
  const MESSAGE = fc.record({
    id: RAW,
    handle: RAW,
    md5: RAW,
    body: RAW,
    times: fc.array(TIME_TEXT, { minLength: 4, maxLength: 4 }),
    tag: fc.option(RAW, { nil: undefined }),
    properties: fc.option(RAW, { nil: undefined }),
    gap: GAP,
  });
  const PLAIN = fc
    .record({
      declaration: fc.boolean(),
      slash: fc.boolean(),
      messages: fc.array(MESSAGE, { minLength: 0, maxLength: 4 }),
      gaps: fc.array(GAP, { minLength: 3, maxLength: 3 }),
    })
    .map(({ declaration, slash, messages, gaps }) => {
      const leaf = (name: string, text: string, gap: string): string =>
        `<${name}>${text}</${name}>${gap}`;
      const names = ['PublishTime', 'FirstConsumeTime', 'NextConsumeTime', 'ConsumedTimes'];
      const body = messages
        .map(
          (m) =>
            `<Message>${m.gap}` +
            leaf('MessageId', m.id, m.gap) +
            leaf('ReceiptHandle', m.handle, m.gap) +
            leaf('MessageBodyMD5', m.md5, m.gap) +
            leaf('MessageBody', m.body, m.gap) +
            m.times.map((t, i) => leaf(names[i]!, t, m.gap)).join('') +
            (m.tag === undefined ? '' : leaf('MessageTag', m.tag, m.gap)) +
            (m.properties === undefined ? '' : leaf('Properties', m.properties, m.gap)) +
            `</Message>${gaps[1]}`,
        )
        .join('');
      return (
        (declaration ? '<?xml version="1.0" encoding="UTF-8"?>' : '') +
        `${gaps[0]}<Messages xmlns="http://mq.aliyuncs.com/doc/v1${slash ? '/' : ''}">` +
        `${gaps[1]}${body}</Messages>${gaps[2]}`
      );
    });

  it('the service and emulator form: the plain value is the slow value, or the plain path declines', () => {
    let plainAccepted = 0;
    fc.assert(
      fc.property(PLAIN, (xml) => {
        const slow = outcome(() => parseSlowConsumeResponse(xml));
        const plain = plainParseConsumeResponse(xml);
        if (plain !== undefined) {
          plainAccepted++;
          expect(slow).toEqual({ ok: true, value: plain });
        }
        expect(outcome(() => parseConsumeResponse(xml))).toEqual(slow);
      }),
      { numRuns: 600 },
    );
    expect(plainAccepted).toBeGreaterThan(100);
  });

  it('mutated plain answers: the plain path never disagrees with the slow path', () => {
    fc.assert(
      fc.property(PLAIN, MUTATIONS, (doc, mutations) => {
        const xml = mutate(doc, mutations);
        const plain = plainParseConsumeResponse(xml);
        const slow = outcome(() => parseSlowConsumeResponse(xml));
        if (plain !== undefined) expect(slow).toEqual({ ok: true, value: plain });
        expect(outcome(() => parseConsumeResponse(xml))).toEqual(slow);
      }),
      { numRuns: 800 },
    );
  });

  it('takes what the emulator writes for plain messages', () => {
    const msgs = [1, 2].map((i) => ({
      messageId: `0A${i}`,
      receiptHandle: `h-${i}`,
      bodyMd5: 'E2C9',
      body: '{"orderId":"ORD-1","amount":129.9}',
      publishTime: 1764553000000 + i,
      firstConsumeTime: 1764553000001,
      nextConsumeTime: 1764553300001,
      consumedTimes: i,
      ...(i === 2 ? { tag: 'T', properties: 'traceparent:00-ab-cd-01|' } : {}),
    }));
    expect(plainParseConsumeResponse(buildConsumeResponse(msgs))).toEqual(msgs);
  });
});
