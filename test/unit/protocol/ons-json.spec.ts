import { describe, expect, it } from '@jest/globals';
import {
  buildOnsError,
  buildOnsMessages,
  buildOnsPublishResponse,
  OnsJsonError,
  parseOnsError,
  parseOnsMessages,
  parseOnsPublishResponse,
} from '../../../lib/protocol/ons/index.js';

describe('ONS JSON documents', () => {
  it('builds the shapes the old clients saw', () => {
    expect(buildOnsPublishResponse('0A021F7300002A9F0000000006531D6F', 'SEND_OK')).toBe(
      '{"msgId":"0A021F7300002A9F0000000006531D6F","sendStatus":"SEND_OK"}',
    );
    expect(
      buildOnsMessages([
        {
          body: 'HelloMQ',
          bornTime: '1418973464204',
          key: 'http',
          msgHandle: 'H1',
          msgId: 'M1',
          reconsumeTimes: 1,
          tag: 'http',
        },
      ]),
    ).toBe(
      '[{"body":"HelloMQ","bornTime":"1418973464204","key":"http","msgHandle":"H1","msgId":"M1","reconsumeTimes":1,"tag":"http"}]',
    );
    expect(buildOnsMessages([])).toBe('[]');
    expect(buildOnsError('BODY_TOO_BIG', 'too big')).toBe(
      '{"code":"BODY_TOO_BIG","info":"too big"}',
    );
  });

  it('parses the captured consume answer (bornTime a string, reconsumeTimes a number)', () => {
    const text =
      '[{"body":"HelloMQ","bornTime":"1418973464204","msgHandle":"X1BFTkRJTkdNU0df","msgId":"0A021F73","reconsumeTimes":1,"key":"http","tag":"http"}]';
    expect(parseOnsMessages(text)).toEqual([
      {
        messageId: '0A021F73',
        msgHandle: 'X1BFTkRJTkdNU0df',
        body: 'HelloMQ',
        bornTime: 1418973464204,
        reconsumeTimes: 1,
        tag: 'http',
        key: 'http',
      },
    ]);
  });

  it('is lenient where old servers differed: numbers as strings, empty body, empty tag/key', () => {
    expect(parseOnsMessages('')).toEqual([]);
    expect(parseOnsMessages('[]')).toEqual([]);
    const [m] = parseOnsMessages(
      '[{"body":"","bornTime":1,"msgHandle":"h","msgId":"m","reconsumeTimes":"2","tag":"","key":null}]',
    );
    expect(m).toEqual({ messageId: 'm', msgHandle: 'h', body: '', bornTime: 1, reconsumeTimes: 2 });
  });

  it.each([
    ['not JSON', '<html>', 'not JSON'],
    ['not an array', '{"body":"x"}', 'not a JSON array'],
    ['an element that is not an object', '[1]', 'message [0] is not a JSON object'],
    ['no msgHandle', '[{"body":"b","bornTime":"1","msgId":"m","reconsumeTimes":0}]', 'msgHandle'],
    [
      'body not a string',
      '[{"body":1,"bornTime":"1","msgHandle":"h","msgId":"m","reconsumeTimes":0}]',
      'body',
    ],
    [
      'bornTime not digits',
      '[{"body":"b","bornTime":"1e3","msgHandle":"h","msgId":"m","reconsumeTimes":0}]',
      'bornTime',
    ],
    [
      'negative reconsumeTimes',
      '[{"body":"b","bornTime":"1","msgHandle":"h","msgId":"m","reconsumeTimes":-1}]',
      'reconsumeTimes',
    ],
    [
      'tag not a string',
      '[{"body":"b","bornTime":"1","msgHandle":"h","msgId":"m","reconsumeTimes":0,"tag":5}]',
      'tag',
    ],
  ])('refuses a consume answer with %s', (_name, text, reason) => {
    expect(() => parseOnsMessages(text)).toThrow(OnsJsonError);
    expect(() => parseOnsMessages(text)).toThrow(reason);
  });

  it('parses publish answers and error bodies', () => {
    expect(parseOnsPublishResponse('{"msgId":"M","sendStatus":"SEND_OK"}')).toEqual({
      msgId: 'M',
      sendStatus: 'SEND_OK',
    });
    expect(() => parseOnsPublishResponse('{"sendStatus":"SEND_OK"}')).toThrow('msgId');
    expect(
      parseOnsError(
        '{"code":"SC_BAD_REQUEST","info":"parameter:Signature is invalid,can not be null or empty"}',
      ),
    ).toEqual({
      code: 'SC_BAD_REQUEST',
      info: 'parameter:Signature is invalid,can not be null or empty',
    });
    expect(parseOnsError('{"code":"X"}')).toEqual({ code: 'X', info: '' });
    expect(parseOnsError('')).toBeUndefined();
    expect(parseOnsError('{"info":"no code"}')).toBeUndefined();
    expect(parseOnsError('[]')).toBeUndefined();
  });
});
