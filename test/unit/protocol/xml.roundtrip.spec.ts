/**
 * Property-based round trips: every document built by the codec parses back to the same value,
 * for arbitrary Unicode text (XML-illegal characters excluded; see text.spec.ts for those).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import {
  buildAckErrors,
  buildConsumeResponse,
  buildError,
  buildPublishRequest,
  buildPublishResponse,
  buildReceiptHandles,
  findIllegalXmlChar,
  parseConsumeResponse,
  parseErrorResponse,
  parsePublishRequest,
  parsePublishResponse,
  parseReceiptHandles,
  type ConsumedMessageDoc,
  type PublishRequestDoc,
} from '../../../lib/protocol/index.js';

/** Fragments that break naive codecs: CDATA terminators, markup, entities, CR, whitespace, astral. */
const TRICKY = fc.constantFrom(
  ']]>',
  ']]',
  '<',
  '>',
  '&',
  '&amp;',
  '&#13;',
  '&lt;',
  '<![CDATA[',
  '<!--',
  '<?xml?>',
  '\r\n',
  '\r',
  '\n',
  '\t',
  ' ',
  '  ',
  '"',
  "'",
  '😀',
  '\u{10FFFF}',
  '你好',
  '\uFEFF',
  '\uFFFD',
);

/** Arbitrary XML-legal text, heavy on tricky fragments. */
const xmlText = (minLength = 0): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(TRICKY, fc.string({ unit: 'binary' }), fc.string()), {
      minLength,
      maxLength: 12,
    })
    .map((parts) => parts.join(''))
    .filter((s) => findIllegalXmlChar(s) === -1 && s.length >= minLength);

const nonEmptyText = xmlText(1);
const optionalText = fc.option(nonEmptyText, { nil: undefined });

function wellFormed(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect(XMLValidator.validate(xml)).toBe(true);
  // Never CDATA, comments or PIs inside elements (PHP and C++ SDKs), and never a raw CR.
  expect(xml.slice(38)).not.toMatch(/<!\[CDATA\[|<!--|<\?|\r/);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

describe('XML round trips (build → parse)', () => {
  it('publish request', () => {
    fc.assert(
      fc.property(xmlText(), optionalText, optionalText, (body, tag, properties) => {
        const doc: PublishRequestDoc = withoutUndefined({ body, tag, properties });
        const xml = buildPublishRequest(doc);
        wellFormed(xml);
        expect(parsePublishRequest(xml)).toEqual(doc);
      }),
    );
  });

  it('publish request with a body made only of whitespace and CRs keeps it exactly', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ \t\r\n]{0,40}$/), (body) => {
        expect(parsePublishRequest(buildPublishRequest({ body })).body).toBe(body);
      }),
    );
  });

  it('publish response', () => {
    fc.assert(
      fc.property(nonEmptyText, xmlText(), optionalText, (messageId, bodyMd5, receiptHandle) => {
        const doc = withoutUndefined({ messageId, bodyMd5, receiptHandle });
        const xml = buildPublishResponse(doc);
        wellFormed(xml);
        expect(parsePublishResponse(xml)).toEqual(doc);
      }),
    );
  });

  it('consume response', () => {
    const message: fc.Arbitrary<ConsumedMessageDoc> = fc
      .record({
        messageId: nonEmptyText,
        receiptHandle: nonEmptyText,
        bodyMd5: xmlText(),
        body: xmlText(),
        publishTime: fc.maxSafeNat(),
        firstConsumeTime: fc.maxSafeNat(),
        nextConsumeTime: fc.maxSafeNat(),
        consumedTimes: fc.nat(),
        tag: optionalText,
        properties: optionalText,
      })
      .map(withoutUndefined);
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 16 }), (msgs) => {
        const xml = buildConsumeResponse(msgs);
        wellFormed(xml);
        expect(parseConsumeResponse(xml)).toEqual(msgs);
      }),
      { numRuns: 50 },
    );
  });

  it('receipt handles (empty ones included)', () => {
    fc.assert(
      fc.property(fc.array(xmlText(), { maxLength: 16 }), (handles) => {
        const xml = buildReceiptHandles(handles);
        wellFormed(xml);
        expect(parseReceiptHandles(xml)).toEqual(handles);
      }),
    );
  });

  it('ack <Errors>', () => {
    const item = fc.record({ code: nonEmptyText, message: xmlText(), receiptHandle: xmlText() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 16 }), (items) => {
        const xml = buildAckErrors(items);
        wellFormed(xml);
        expect(parseErrorResponse(xml)).toEqual({ kind: 'errors', items });
      }),
    );
  });

  it('<Error>', () => {
    const error = fc.record({
      code: nonEmptyText,
      message: xmlText(),
      requestId: xmlText(),
      hostId: xmlText(),
    });
    fc.assert(
      fc.property(error, (d) => {
        const xml = buildError(d);
        wellFormed(xml);
        expect(parseErrorResponse(xml)).toEqual({ kind: 'error', error: d });
      }),
    );
  });

  it('bodies survive being wrapped in CDATA the way Node sends them (unless they contain "]]>")', () => {
    fc.assert(
      fc.property(xmlText(), (body) => {
        fc.pre(!body.includes(']]>'));
        const xml = `<Message xmlns="http://mq.aliyuncs.com/doc/v1/"><MessageBody><![CDATA[${body}]]></MessageBody></Message>`;
        // A conforming parser turns CR-LF and lone CR in literal text into LF.
        expect(parsePublishRequest(xml).body).toBe(body.replace(/\r\n?/g, '\n'));
      }),
    );
  });
});

describe('builders', () => {
  it('emit the documented shape and element order', () => {
    expect(buildPublishRequest({ body: 'a & b', tag: 'T', properties: 'k:v|' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1">' +
        '<MessageBody>a &amp; b</MessageBody><MessageTag>T</MessageTag><Properties>k:v|</Properties></Message>',
    );
    expect(buildPublishRequest({ body: 'x', tag: '', properties: '' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1"><MessageBody>x</MessageBody></Message>',
    );
    expect(
      buildConsumeResponse([
        {
          messageId: 'I',
          receiptHandle: 'R',
          bodyMd5: 'M',
          body: 'line\r\n<end>',
          publishTime: 1,
          firstConsumeTime: 2,
          nextConsumeTime: 3,
          consumedTimes: 4,
        },
      ]),
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="http://mq.aliyuncs.com/doc/v1"><Message>' +
        '<MessageId>I</MessageId><ReceiptHandle>R</ReceiptHandle><MessageBodyMD5>M</MessageBodyMD5>' +
        '<MessageBody>line&#13;\n&lt;end&gt;</MessageBody><PublishTime>1</PublishTime>' +
        '<FirstConsumeTime>2</FirstConsumeTime><NextConsumeTime>3</NextConsumeTime>' +
        '<ConsumedTimes>4</ConsumedTimes></Message></Messages>',
    );
    expect(buildError({ code: 'C', message: 'M', requestId: 'R', hostId: 'H' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Error xmlns="http://mq.aliyuncs.com/doc/v1">' +
        '<Code>C</Code><Message>M</Message><RequestId>R</RequestId><HostId>H</HostId></Error>',
    );
  });

  it('refuse non-integer times instead of writing NaN', () => {
    const m: ConsumedMessageDoc = {
      messageId: 'I',
      receiptHandle: 'R',
      bodyMd5: 'M',
      body: 'b',
      publishTime: Number.NaN,
      firstConsumeTime: 2,
      nextConsumeTime: 3,
      consumedTimes: 4,
    };
    expect(() => buildConsumeResponse([m])).toThrow(/PublishTime/);
    expect(() => buildConsumeResponse([{ ...m, publishTime: 1, consumedTimes: 1.5 }])).toThrow(
      /ConsumedTimes/,
    );
  });
});
