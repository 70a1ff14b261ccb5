import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  bodyMd5,
  contentMd5,
  contentMd5Matches,
  newMessageId,
  newRequestId,
} from '../../../lib/protocol/index.js';

const V3_BODY =
  '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/"><MessageBody><![CDATA[hello]]></MessageBody><MessageTag><![CDATA[TagA]]></MessageTag></Message>';

describe('MessageBodyMD5 (PROTOCOL.md §4.9)', () => {
  it.each([
    ['a', '0CC175B9C0F1B6A831C399E269772661'],
    ['hello', '5D41402ABC4B2A76B9719D911017C592'],
    ['hello mq.', '50BFBC4D7904F9A3C57EF4BBD9F36E44'],
    ['你好', '7ECA689F0D3389D9DEA66AE112E5CFD7'],
  ])('%j → %s', (body, md5) => {
    expect(bodyMd5(body)).toBe(md5);
  });
});

describe('Content-MD5 (PROTOCOL.md §2.2)', () => {
  it('empty body', () => {
    expect(contentMd5('')).toBe('ZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=');
    expect(contentMd5(new Uint8Array(0))).toBe('ZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=');
  });

  it('V3 body (181 bytes), string and bytes give the same value', () => {
    const bytes = Buffer.from(V3_BODY, 'utf8');
    expect(bytes.length).toBe(181);
    expect(contentMd5(V3_BODY)).toBe('ZmYzMzQzY2JiM2Y0YTI2NWQ4NWNiMzIwZjBkODExZDM=');
    expect(contentMd5(bytes)).toBe('ZmYzMzQzY2JiM2Y0YTI2NWQ4NWNiMzIwZjBkODExZDM=');
  });

  it('matches the lower-hex, upper-hex and raw-digest forms and nothing else', () => {
    const bytes = Buffer.from(V3_BODY, 'utf8');
    const upper = Buffer.from('FF3343CBB3F4A265D85CB320F0D811D3').toString('base64');
    expect(contentMd5Matches('ZmYzMzQzY2JiM2Y0YTI2NWQ4NWNiMzIwZjBkODExZDM=', bytes)).toBe(true);
    expect(contentMd5Matches(' ZmYzMzQzY2JiM2Y0YTI2NWQ4NWNiMzIwZjBkODExZDM= ', bytes)).toBe(true);
    expect(contentMd5Matches(upper, bytes)).toBe(true);
    expect(contentMd5Matches('/zNDy7P0omXYXLMg8NgR0w==', bytes)).toBe(true);
    expect(contentMd5Matches('ZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=', bytes)).toBe(false);
    expect(contentMd5Matches('ff3343cbb3f4a265d85cb320f0d811d3', bytes)).toBe(false);
    expect(contentMd5Matches('', bytes)).toBe(false);
    expect(contentMd5Matches('1B2M2Y8AsgTpgAmY7PhCfg==', new Uint8Array(0))).toBe(true);
  });

  it('hashes UTF-8 bytes of string bodies', () => {
    const hex = createHash('md5').update(Buffer.from('你好', 'utf8')).digest('hex');
    expect(contentMd5('你好')).toBe(Buffer.from(hex).toString('base64'));
  });
});

describe('identifiers (PROTOCOL.md §4.9, §2.3)', () => {
  it('message ids are 32 upper-case hex chars and unique', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = newMessageId();
      expect(id).toMatch(/^[0-9A-F]{32}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(10_000);
  });

  it('request ids are 24 upper-case hex chars starting with the Unix seconds', () => {
    // 2019-12-11 from the field sample 5DF07C9B31383790319F4D26.
    const id = newRequestId(0x5df07c9b * 1000 + 999);
    expect(id).toMatch(/^5DF07C9B[0-9A-F]{16}$/);
    expect(newRequestId(0)).toMatch(/^00000000[0-9A-F]{16}$/);
    expect(newRequestId(1767225600000)).toMatch(/^6955B900[0-9A-F]{16}$/);
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId(1767225600000)));
    expect(ids.size).toBe(1000);
  });

  it('request ids reject a non-finite or negative time, naming the argument', () => {
    expect(() => newRequestId(Number.NaN)).toThrow(/nowMs/);
    expect(() => newRequestId(-1)).toThrow(/nowMs/);
  });
});
