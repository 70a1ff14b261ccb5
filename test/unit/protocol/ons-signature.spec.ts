import { describe, expect, it } from '@jest/globals';
import { createSigningKey } from '../../../lib/protocol/index.js';
import {
  onsBodyMd5Hex,
  onsConsumeStringToSign,
  onsDeleteStringToSign,
  onsPublishStringToSign,
  onsSign,
  onsVerify,
} from '../../../lib/protocol/ons/index.js';

/**
 * Vectors computed with the service's own 2017 Python samples' signing code (HttpProducer,
 * HttpConsumer and Util.calSignature: `hmac.new(sk, signString, sha1).digest().encode('base64')
 * .rstrip()`), ported to Python 3 line for line in fixtures/ons-signature-vectors.py. Reproduce with
 * `python3 test/unit/protocol/fixtures/ons-signature-vectors.py`.
 */
const SK = 'emulator-secret';
const TOPIC = 'TP_legacy';
const PID = 'PID_legacy';
const CID = 'CID_legacy';
const TIME = '1500000000000';
const HANDLE = '0A021F7300002A9F0000000006531D6F-Ab_c-9z';
const BODY_MD5 = 'a7bac2239fcdcb3a067903d8077c4a07'; // md5("中文" as UTF-8), the samples' body

describe('ONS signatures (vectors from the samples\u2019 signing code)', () => {
  it('hashes the body as lower-case hex MD5 of its UTF-8 bytes', () => {
    expect(onsBodyMd5Hex('中文')).toBe(BODY_MD5);
    expect(onsBodyMd5Hex(Buffer.from('中文', 'utf8'))).toBe(BODY_MD5);
  });

  it('builds the three strings to sign as the samples do', () => {
    expect(onsPublishStringToSign(TOPIC, PID, BODY_MD5, TIME)).toBe(
      `TP_legacy\nPID_legacy\n${BODY_MD5}\n1500000000000`,
    );
    expect(onsConsumeStringToSign(TOPIC, CID, TIME)).toBe('TP_legacy\nCID_legacy\n1500000000000');
    expect(onsDeleteStringToSign(TOPIC, CID, HANDLE, TIME)).toBe(
      `TP_legacy\nCID_legacy\n${HANDLE}\n1500000000000`,
    );
  });

  it.each([
    [
      'publish',
      onsPublishStringToSign(TOPIC, PID, BODY_MD5, TIME),
      SK,
      'dFPGSJzsl/vFRwyDndNgFY3Z1Tw=',
    ],
    ['consume', onsConsumeStringToSign(TOPIC, CID, TIME), SK, 'tH0biF8cpRnLUjwGuf+sdANWqgc='],
    ['delete', onsDeleteStringToSign(TOPIC, CID, HANDLE, TIME), SK, 't5K/hfuW3tjklesj/PhD9KyDP0s='],
    [
      'publish with a non-ASCII secret (UTF-8 bytes)',
      onsPublishStringToSign(TOPIC, PID, BODY_MD5, TIME),
      'sk-秘密',
      'HAtWUtBnRwqPHdR4gvd/tHnxa/k=',
    ],
  ])('%s', (_name, stringToSign, secret, expected) => {
    expect(onsSign(secret, stringToSign)).toBe(expected);
    expect(onsSign(createSigningKey(secret), stringToSign)).toBe(expected);
    expect(onsVerify(secret, stringToSign, expected)).toBe(true);
    expect(onsVerify(createSigningKey(secret), stringToSign, expected)).toBe(true);
  });

  it('refuses a wrong, truncated or empty signature', () => {
    const sts = onsConsumeStringToSign(TOPIC, CID, TIME);
    expect(onsVerify(SK, sts, 'tH0biF8cpRnLUjwGuf+sdANWqgd=')).toBe(false);
    expect(onsVerify(SK, sts, 'tH0biF8cpRnLUjwGuf+sdANWqgc')).toBe(false);
    expect(onsVerify(SK, sts, '')).toBe(false);
    expect(onsVerify('other-secret', sts, 'tH0biF8cpRnLUjwGuf+sdANWqgc=')).toBe(false);
    // A different time or handle is a different request.
    expect(
      onsVerify(
        SK,
        onsConsumeStringToSign(TOPIC, CID, '1500000000001'),
        'tH0biF8cpRnLUjwGuf+sdANWqgc=',
      ),
    ).toBe(false);
  });
});
