import { describe, expect, it } from '@jest/globals';
import {
  authorizationHeader,
  createSigningKey,
  parseAuthorization,
  sign,
  signWithKey,
  stringToSign,
  verifySignature,
  type SignableRequest,
} from '../../../lib/protocol/index.js';

const DATE = 'Thu, 01 Jan 2026 00:00:00 GMT';
const V = { 'x-mq-version': '2015-06-06' };

// PROTOCOL.md §3.2, V1–V7: inputs, string-to-sign (with `\n` as LF) and expected signature.
const VECTORS: Array<{
  name: string;
  secret: string;
  req: SignableRequest;
  sts: string;
  sig: string;
}> = [
  {
    name: 'V1 Node SDK unit-test vector',
    secret: 'ACCESS_KEY_SECRET',
    req: {
      method: 'PUT',
      contentMd5: '574683b3684e3cff610afa155cc2506d',
      contentType: 'text/xml',
      date: 'Tue, 11 Apr 2017 10:09:19 GMT',
      headers: V,
      resource: '/',
    },
    sts: 'PUT\n574683b3684e3cff610afa155cc2506d\ntext/xml\nTue, 11 Apr 2017 10:09:19 GMT\nx-mq-version:2015-06-06\n/',
    sig: 'G7NRBqmP9XfhTJ/pV3AgYQtXaaU=',
  },
  {
    name: 'V2 GET consume, Node headers',
    secret: 'testSecret',
    req: {
      method: 'GET',
      contentType: 'text/xml;charset=utf-8',
      date: DATE,
      headers: V,
      resource:
        '/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&tag=TagA%7C%7CTagB&numOfMessages=3&waitseconds=3',
    },
    sts: 'GET\n\ntext/xml;charset=utf-8\nThu, 01 Jan 2026 00:00:00 GMT\nx-mq-version:2015-06-06\n/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&tag=TagA%7C%7CTagB&numOfMessages=3&waitseconds=3',
    sig: 'hhlCwberlrbz9AiQbPP0BLd8xVQ=',
  },
  {
    name: 'V3 POST publish, Node style',
    secret: 'testSecret',
    req: {
      method: 'POST',
      contentMd5: 'ZmYzMzQzY2JiM2Y0YTI2NWQ4NWNiMzIwZjBkODExZDM=',
      contentType: 'text/xml;charset=utf-8',
      date: DATE,
      headers: V,
      resource: '/topics/T1/messages?ns=MQ_INST_1_abc',
    },
    sts: 'POST\nZmYzMzQzY2JiM2Y0YTI2NWQ4NWNiMzIwZjBkODExZDM=\ntext/xml;charset=utf-8\nThu, 01 Jan 2026 00:00:00 GMT\nx-mq-version:2015-06-06\n/topics/T1/messages?ns=MQ_INST_1_abc',
    sig: 'H7AdcGVD2w8IYEfEEXMYOylwriE=',
  },
  {
    name: 'V4 GET orderly, Python (no Content-Type, no Content-MD5)',
    secret: 'testSecret',
    req: {
      method: 'GET',
      date: DATE,
      headers: V,
      resource: '/topics/T1/messages?consumer=GID_1&numOfMessages=16&waitseconds=30&trans=order',
    },
    sts: 'GET\n\n\nThu, 01 Jan 2026 00:00:00 GMT\nx-mq-version:2015-06-06\n/topics/T1/messages?consumer=GID_1&numOfMessages=16&waitseconds=30&trans=order',
    sig: 'UOXsTWfMqIBE3MH4ewJAMfSGJg8=',
  },
  {
    name: 'V5 DELETE ack, Go style (canonical header casing)',
    secret: 'testSecret',
    req: {
      method: 'DELETE',
      contentMd5: 'NDEyYmQ2YjNjYmExMTgzNDAxZmI2MWQzN2M1ODcxOGE=',
      contentType: 'text/xml;charset=utf-8',
      date: DATE,
      headers: { 'X-Mq-Version': '2015-06-06', 'Content-Md5': 'ignored', Host: 'h' },
      resource: '/topics/T1/messages?consumer=GID_1',
    },
    sts: 'DELETE\nNDEyYmQ2YjNjYmExMTgzNDAxZmI2MWQzN2M1ODcxOGE=\ntext/xml;charset=utf-8\nThu, 01 Jan 2026 00:00:00 GMT\nx-mq-version:2015-06-06\n/topics/T1/messages?consumer=GID_1',
    sig: '4iN6q0yINySboT8H0nwzvJV/0oI=',
  },
  {
    name: 'V6 GET consume, Go style with empty-body Content-MD5',
    secret: 'testSecret',
    req: {
      method: 'GET',
      contentMd5: 'ZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=',
      contentType: 'text/xml;charset=utf-8',
      date: DATE,
      headers: V,
      resource:
        '/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&numOfMessages=16&waitseconds=30&tag=TagA%7C%7CTagB',
    },
    sts: 'GET\nZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=\ntext/xml;charset=utf-8\nThu, 01 Jan 2026 00:00:00 GMT\nx-mq-version:2015-06-06\n/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&numOfMessages=16&waitseconds=30&tag=TagA%7C%7CTagB',
    sig: '66gc4Kv0OYr3Q6UwBBSOzOynHLw=',
  },
  {
    name: 'V7 two x-mq-* headers sorted, security-token ignored',
    secret: 'testSecret',
    req: {
      method: 'DELETE',
      contentType: 'text/xml',
      date: DATE,
      headers: {
        Date: DATE,
        'x-mq-version': '2015-06-06',
        'x-mq-a': ' 1 ',
        'Content-Type': 'text/xml',
        'security-token': 'STS.abc',
        authorization: 'MQ id:whatever',
      },
      resource: '/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&trans=commit',
    },
    sts: 'DELETE\n\ntext/xml\nThu, 01 Jan 2026 00:00:00 GMT\nx-mq-a:1\nx-mq-version:2015-06-06\n/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&trans=commit',
    sig: 'fFVr6YKdUpbOYqNkchgcGJQjgoU=',
  },
];

describe('signature (PROTOCOL.md §3.2 vectors)', () => {
  for (const v of VECTORS) {
    it(`${v.name}: string-to-sign, signature, verification`, () => {
      expect(stringToSign(v.req)).toBe(v.sts);
      expect(sign(v.secret, v.req)).toBe(v.sig);
      expect(signWithKey(createSigningKey(v.secret), v.req)).toBe(v.sig);
      expect(verifySignature(v.secret, v.req, v.sig)).toBe(true);
      expect(verifySignature(v.secret + 'x', v.req, v.sig)).toBe(false);
      expect(verifySignature(v.secret, { ...v.req, resource: v.req.resource + '&' }, v.sig)).toBe(
        false,
      );
    });
  }

  it('rejects signatures of the wrong length or with one changed character without throwing', () => {
    const v = VECTORS[2]!;
    expect(verifySignature(v.secret, v.req, '')).toBe(false);
    expect(verifySignature(v.secret, v.req, v.sig + '=')).toBe(false);
    expect(verifySignature(v.secret, v.req, v.sig.slice(0, -2) + 'A=')).toBe(false);
    expect(verifySignature(v.secret, v.req, 'é'.repeat(14))).toBe(false);
  });

  it('sorts x-mq-* names as names (x-mq-a before x-mq-a-b), joins array values, skips undefined', () => {
    const sts = stringToSign({
      method: 'GET',
      date: DATE,
      headers: {
        'X-MQ-A-B': '2',
        'x-mq-a': ['1', '3'],
        'x-mq-version': '2015-06-06',
        'x-mq-unset': undefined,
        'x-mqz': 'not an mq header',
        'x-mq-': 'prefix only',
      },
      resource: '/',
    });
    expect(sts).toBe(`GET\n\n\n${DATE}\nx-mq-a:1,3\nx-mq-a-b:2\nx-mq-version:2015-06-06\n/`);
  });

  it('signs the UTF-8 bytes of a non-ASCII secret and resource', () => {
    const req: SignableRequest = {
      method: 'GET',
      date: DATE,
      headers: V,
      resource: '/topics/话题',
    };
    const sig = sign('秘密', req);
    expect(sig).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(verifySignature('秘密', req, sig)).toBe(true);
    expect(sign('秘密', { ...req, resource: '/topics/话' })).not.toBe(sig);
    // The key object holds the UTF-8 bytes too, not e.g. latin1 of the UTF-16 code units.
    expect(signWithKey(createSigningKey('秘密'), req)).toBe(sig);
  });
});

describe('Authorization header', () => {
  it('builds and parses `MQ id:signature`', () => {
    const value = authorizationHeader('testAccessKeyId', 'H7AdcGVD2w8IYEfEEXMYOylwriE=');
    expect(value).toBe('MQ testAccessKeyId:H7AdcGVD2w8IYEfEEXMYOylwriE=');
    expect(parseAuthorization(value)).toEqual({
      accessKeyId: 'testAccessKeyId',
      signature: 'H7AdcGVD2w8IYEfEEXMYOylwriE=',
    });
  });

  it('splits at the first colon; the signature may contain colons', () => {
    expect(parseAuthorization('MQ id:a:b')).toEqual({ accessKeyId: 'id', signature: 'a:b' });
  });

  it.each([
    '',
    'MQ',
    'MQ id',
    'MQ id:',
    'MQ :sig',
    'mq id:sig',
    'MQ  id',
    'Bearer id:sig',
    ' MQ id:sig',
  ])('rejects %j', (value) => {
    expect(parseAuthorization(value)).toBeUndefined();
  });
});
