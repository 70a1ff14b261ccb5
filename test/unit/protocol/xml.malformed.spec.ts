import { describe, expect, it } from '@jest/globals';
import {
  XmlDocumentError,
  parseConsumeResponse,
  parseErrorResponse,
  parsePublishRequest,
  parsePublishResponse,
  parseReceiptHandles,
} from '../../../lib/protocol/index.js';

function errorOf(fn: () => unknown): XmlDocumentError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(XmlDocumentError);
    return err as XmlDocumentError;
  }
  throw new Error('expected an XmlDocumentError, nothing was thrown');
}

const MALFORMED: Array<[string, string]> = [
  ['empty string', ''],
  ['garbage', 'hello world'],
  ['JSON', '{"MessageBody":"x"}'],
  ['truncated', '<Message><MessageBody>abc</MessageBody>'],
  ['truncated inside a leaf', '<Message><MessageBody>abc'],
  ['mismatched tags', '<Message><MessageBody>abc</MessageTag></Message>'],
  ['two roots', '<Message><MessageBody>a</MessageBody></Message><Message/>'],
  ['text after the root', '<Message><MessageBody>a</MessageBody></Message>junk'],
  ['bare ampersand', '<Message><MessageBody>a & b</MessageBody></Message>'],
  ['undefined entity', '<Message><MessageBody>&nbsp;</MessageBody></Message>'],
  ['reference to NUL', '<Message><MessageBody>&#0;</MessageBody></Message>'],
  ['reference to a lone surrogate', '<Message><MessageBody>&#xD800;</MessageBody></Message>'],
  ['reference beyond Unicode', '<Message><MessageBody>&#x110000;</MessageBody></Message>'],
  ['empty character reference', '<Message><MessageBody>&#x;</MessageBody></Message>'],
  [
    'huge character reference',
    '<Message><MessageBody>&#99999999999999999999;</MessageBody></Message>',
  ],
  ['unterminated character reference', '<Message><MessageBody>&#65 x</MessageBody></Message>'],
  ['raw control character', '<Message><MessageBody>a\u0001b</MessageBody></Message>'],
  ['raw lone surrogate', '<Message><MessageBody>a\uDC00b</MessageBody></Message>'],
  ['unterminated CDATA', '<Message><MessageBody><![CDATA[abc</MessageBody></Message>'],
  [
    'Node bug: body "x]]>y" wrapped in CDATA without escaping',
    '<Message><MessageBody><![CDATA[x]]>y]]></MessageBody></Message>',
  ],
  ['"]]>" in plain text', '<Message><MessageBody>a ]]> b</MessageBody></Message>'],
  ['"<" in text', '<Message><MessageBody>a < b</MessageBody></Message>'],
  [
    'DOCTYPE with an entity bomb',
    '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' +
      '<Message><MessageBody>&d;&d;&d;&d;</MessageBody></Message>',
  ],
  ['plain DOCTYPE', '<!DOCTYPE Message><Message><MessageBody>a</MessageBody></Message>'],
  [
    'external entity (XXE)',
    '<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message><MessageBody>&x;</MessageBody></Message>',
  ],
  [
    'ENTITY declaration inside an element',
    '<Message><!ENTITY x "y"><MessageBody>a</MessageBody></Message>',
  ],
  ['wrong root', '<Messages><MessageBody>a</MessageBody></Messages>'],
  ['wrong root (case)', '<message><MessageBody>a</MessageBody></message>'],
  [
    'declaration not at the start',
    '  <?xml version="1.0"?><Message><MessageBody>a</MessageBody></Message>',
  ],
  ['unquoted attribute', '<Message xmlns=x><MessageBody>a</MessageBody></Message>'],
];

describe('malformed publish requests → MalformedXML', () => {
  it.each(MALFORMED)('%s', (_name, xml) => {
    const err = errorOf(() => parsePublishRequest(xml));
    expect(err.code).toBe('MalformedXML');
    expect(err.message).toBe('The XML you provided is invalid');
    expect(typeof err.detail).toBe('string');
  });

  it('a DOCTYPE-looking text inside CDATA is just text', () => {
    expect(
      parsePublishRequest('<Message><MessageBody><![CDATA[<!DOCTYPE x>]]></MessageBody></Message>'),
    ).toEqual({ body: '<!DOCTYPE x>' });
  });

  it('every parser rejects garbage and the wrong root', () => {
    for (const parse of [
      parsePublishRequest,
      parsePublishResponse,
      parseConsumeResponse,
      parseReceiptHandles,
      parseErrorResponse,
    ]) {
      expect(errorOf(() => parse('not xml')).code).toBe('MalformedXML');
      expect(errorOf(() => parse('<Wrong><Code>x</Code></Wrong>')).code).toBe('MalformedXML');
    }
  });

  it('a non-string input is MalformedXML, not a TypeError', () => {
    expect(errorOf(() => parsePublishRequest(undefined as unknown as string)).code).toBe(
      'MalformedXML',
    );
  });
});

describe('schema violations → InvalidArgument naming the element', () => {
  it('publish request without MessageBody', () => {
    const err = errorOf(() => parsePublishRequest('<Message><MessageTag>T</MessageTag></Message>'));
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toBe(
      'The XML you provided did not validate against our published schema, cause by MessageBody.',
    );
    expect(err.element).toBe('MessageBody');
  });

  it('a child element inside MessageBody', () => {
    const err = errorOf(() =>
      parsePublishRequest('<Message><MessageBody><b>x</b></MessageBody></Message>'),
    );
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toMatch(/cause by MessageBody\.$/);
  });

  it('MessageBody given twice', () => {
    const err = errorOf(() =>
      parsePublishRequest(
        '<Message><MessageBody>a</MessageBody><MessageBody>b</MessageBody></Message>',
      ),
    );
    expect(err.code).toBe('InvalidArgument');
    expect(err.element).toBe('MessageBody');
  });

  it('text directly inside the root', () => {
    const err = errorOf(() =>
      parsePublishRequest('<Message>stray<MessageBody>a</MessageBody></Message>'),
    );
    expect(err.code).toBe('InvalidArgument');
    expect(err.element).toBe('Message');
  });

  const MESSAGE =
    '<MessageId>ID</MessageId><ReceiptHandle>RH</ReceiptHandle><MessageBodyMD5>M</MessageBodyMD5>' +
    '<MessageBody>b</MessageBody><PublishTime>1</PublishTime><FirstConsumeTime>2</FirstConsumeTime>' +
    '<NextConsumeTime>3</NextConsumeTime><ConsumedTimes>4</ConsumedTimes>';
  const consume = (inner: string): string => `<Messages><Message>${inner}</Message></Messages>`;

  it('the consume fixture itself parses', () => {
    expect(parseConsumeResponse(consume(MESSAGE))).toHaveLength(1);
  });

  it.each([
    ['MessageId', MESSAGE.replace('<MessageId>ID</MessageId>', '')],
    ['MessageId', MESSAGE.replace('<MessageId>ID</MessageId>', '<MessageId></MessageId>')],
    ['ReceiptHandle', MESSAGE.replace('<ReceiptHandle>RH</ReceiptHandle>', '')],
    ['MessageBody', MESSAGE.replace('<MessageBody>b</MessageBody>', '')],
    ['PublishTime', MESSAGE.replace('<PublishTime>1</PublishTime>', '')],
    [
      'PublishTime',
      MESSAGE.replace('<PublishTime>1</PublishTime>', '<PublishTime>1.5</PublishTime>'),
    ],
    ['FirstConsumeTime', MESSAGE.replace('>2<', '>-2<')],
    ['NextConsumeTime', MESSAGE.replace('>3<', '>3e3<')],
    ['ConsumedTimes', MESSAGE.replace('>4<', '><')],
    ['ConsumedTimes', MESSAGE.replace('>4<', '>99999999999999999<')],
  ])('consume response: bad %s', (element, inner) => {
    const err = errorOf(() => parseConsumeResponse(consume(inner)));
    expect(err.code).toBe('InvalidArgument');
    expect(err.element).toBe(element);
    expect(err.message).toContain(`cause by ${element}.`);
  });

  it('publish response without MessageId / MessageBodyMD5', () => {
    expect(
      errorOf(() => parsePublishResponse('<Message><MessageBodyMD5>M</MessageBodyMD5></Message>'))
        .element,
    ).toBe('MessageId');
    expect(
      errorOf(() => parsePublishResponse('<Message><MessageId>I</MessageId></Message>')).element,
    ).toBe('MessageBodyMD5');
  });

  it('error responses without Code / ErrorCode / ReceiptHandle', () => {
    expect(errorOf(() => parseErrorResponse('<Error><Message>m</Message></Error>')).element).toBe(
      'Code',
    );
    expect(
      errorOf(() =>
        parseErrorResponse('<Errors><Error><ReceiptHandle>h</ReceiptHandle></Error></Errors>'),
      ).element,
    ).toBe('ErrorCode');
    expect(
      errorOf(() => parseErrorResponse('<Errors><Error><ErrorCode>c</ErrorCode></Error></Errors>'))
        .element,
    ).toBe('ReceiptHandle');
  });
});
