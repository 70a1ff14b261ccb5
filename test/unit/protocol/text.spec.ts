import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  MQ_ERRORS,
  MQ_LIMITS,
  escapeXmlText,
  findIllegalXmlChar,
  isRetryableCode,
  type MQErrorCode,
} from '../../../lib/protocol/index.js';

const legalText = fc.string({ unit: 'binary' }).filter((s) => findIllegalXmlChar(s) === -1);

describe('findIllegalXmlChar', () => {
  it.each([
    ['NUL', '\u0000'],
    ['SOH', '\u0001'],
    ['VT', '\u000B'],
    ['FF', '\u000C'],
    ['US', '\u001F'],
    ['lone high surrogate', '\uD800'],
    ['lone low surrogate', '\uDFFF'],
    ['U+FFFE', '\uFFFE'],
    ['U+FFFF', '\uFFFF'],
  ])('finds %s', (_name, c) => {
    expect(findIllegalXmlChar(c)).toBe(0);
    expect(findIllegalXmlChar('ab' + c + 'cd')).toBe(2);
  });

  it('accepts TAB, LF, CR, astral pairs, U+FFFD and U+10FFFF', () => {
    expect(findIllegalXmlChar('a\tb\nc\rd 😀 \uFFFD \u{10FFFF} 你好')).toBe(-1);
    expect(findIllegalXmlChar('')).toBe(-1);
  });

  it('reports the first illegal character inserted anywhere in legal text', () => {
    const illegal = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 9 && c !== 10 && c !== 13),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.constantFrom(0xfffe, 0xffff),
    );
    fc.assert(
      fc.property(legalText, illegal, legalText, (before, code, after) => {
        expect(findIllegalXmlChar(before + String.fromCharCode(code) + after)).toBe(before.length);
      }),
    );
  });

  it('agrees with the XML 1.0 Char production read code unit by code unit', () => {
    // Reference: a plain loop over the definition, independent of the regex-based implementation.
    const reference = (s: string): number => {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff) {
          const next = s.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            i++;
            continue;
          }
          return i;
        }
        const legal =
          c === 9 ||
          c === 10 ||
          c === 13 ||
          (c >= 0x20 && c <= 0xd7ff) ||
          (c >= 0xe000 && c <= 0xfffd);
        if (!legal) return i;
      }
      return -1;
    };
    const unit = fc.constantFrom(
      'a',
      '\u0001',
      '\t',
      '\uD800',
      '\uDC00',
      '😀',
      '\uFFFE',
      '\uFFFD',
      '你',
    );
    fc.assert(
      fc.property(fc.string({ unit }), (s) => {
        expect(findIllegalXmlChar(s)).toBe(reference(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('escapeXmlText', () => {
  it('escapes & < > and CR, leaves quotes and returns the same string when clean', () => {
    expect(escapeXmlText(`a&b<c>d\r\ne"f'`)).toBe(`a&amp;b&lt;c&gt;d&#13;\ne"f'`);
    const clean = 'nothing to do here 😀';
    expect(escapeXmlText(clean)).toBe(clean);
  });

  it('never leaves a raw special character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const escaped = escapeXmlText(s);
        expect(escaped).not.toMatch(/[<>\r]|&(?!amp;|lt;|gt;|#13;)/);
        const back = escaped
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&#13;/g, '\r')
          .replace(/&amp;/g, '&');
        expect(back).toBe(s);
      }),
    );
  });
});

describe('error table (PROTOCOL.md §6)', () => {
  it('has every code with its status and message', () => {
    const expected: Record<MQErrorCode, [number, string]> = {
      MessageNotExist: [404, 'Message not exist.'],
      ReceiptHandleError: [400, 'The receipt handle you provide is not valid.'],
      MissingReceiptHandle: [400, 'ReceiptHandle is required.'],
      TopicNotExist: [404, 'The topic you provided does not exist.'],
      SubscriptionNotExist: [404, 'The subscription you provided does not exist.'],
      InvalidArgument: [400, 'The argument you provided is invalid.'],
      MalformedXML: [400, 'The XML you provided is invalid'],
      InvalidContent: [400, 'The content you send may contains illegal characters.'],
      InvalidDigest: [400, 'The Content-MD5 you specified is invalid.'],
      InvalidRequestURL: [400, 'Http request URL format invalid.'],
      InvalidQueryString: [400, 'Http request URL contains invalid querystring item.'],
      MissingAuthorizationHeader: [400, 'Authorization header is required.'],
      InvalidAuthorizationHeader: [400, 'The Authorization header format is invalid.'],
      MissingDateHeader: [400, 'Date header is required.'],
      InvalidDateHeader: [400, 'The Date header format is invalid.'],
      TimeExpired: [408, 'The http request you sent is expired.'],
      SignatureDoesNotMatch: [
        403,
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      ],
      InvalidAccessKeyId: [403, 'The AccessKey Id you provided is not exist.'],
      AccessDenied: [
        403,
        'The OwnerId that your Access Key Id associated to is forbidden for this operation.',
      ],
      HTTPForbidden: [403, 'Forbidden.'],
      QpsLimitExceeded: [429, 'Qps limit exceeded.'],
      InternalError: [500, 'Interal error.'],
      InternalServerError: [500, 'Interal error.'],
    };
    expect(Object.keys(MQ_ERRORS).sort()).toEqual(Object.keys(expected).sort());
    for (const [code, [status, message]] of Object.entries(expected)) {
      expect(MQ_ERRORS[code as MQErrorCode]).toMatchObject({ status, message });
    }
  });

  it('retries only server faults and throttling', () => {
    expect(isRetryableCode('InternalError')).toBe(true);
    expect(isRetryableCode('InternalServerError')).toBe(true);
    expect(isRetryableCode('QpsLimitExceeded')).toBe(true);
    expect(isRetryableCode('TimeExpired')).toBe(false);
    expect(isRetryableCode('MessageNotExist')).toBe(false);
    expect(isRetryableCode('SignatureDoesNotMatch')).toBe(false);
    expect(isRetryableCode('NoSuchCode')).toBe(false);
    expect(isRetryableCode('toString')).toBe(false);
  });
});

describe('limits (PROTOCOL.md §7.11)', () => {
  it('match the documented values', () => {
    expect(MQ_LIMITS).toEqual({
      maxBodyBytes: 4194304,
      maxTimerOrTransactionBodyBytes: 65536,
      maxPropertiesBytes: 16384,
      maxTopicLength: 64,
      maxTagLength: 64,
      minNumOfMessages: 1,
      maxNumOfMessages: 16,
      maxWaitSeconds: 30,
      maxHandlesPerAck: 16,
      minTransCheckImmunitySeconds: 10,
      maxTransCheckImmunitySeconds: 300,
      maxTimerHorizonMs: 3456000000,
      maxRequestLineLength: 1024,
      maxDateSkewMs: 900000,
    });
  });
});
