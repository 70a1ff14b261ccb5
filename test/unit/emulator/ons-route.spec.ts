import { describe, expect, it } from '@jest/globals';
import { OnsRequestError } from '../../../lib/emulator/ons/ons.errors.js';
import { parseOnsQuery } from '../../../lib/emulator/ons/ons.query.js';
import { matchOnsTarget } from '../../../lib/emulator/ons/ons.route.js';

describe('ONS routing', () => {
  it.each([
    ['/message/?topic=T&time=1', 'topic=T&time=1'],
    ['/message?topic=T', 'topic=T'],
    ['/message/', ''],
    ['/message', ''],
    // Absolute form, as the samples send it (any host, any port, scheme in any case).
    ['http://publictest-rest.ons.aliyun.com/message/?topic=T&num=32', 'topic=T&num=32'],
    ['http://127.0.0.1:9876/message/?topic=T', 'topic=T'],
    ['HTTP://Host/message/?a=b', 'a=b'],
    ['https://h:443/message', ''],
  ])('%s is the ONS API (query %j)', (url, query) => {
    expect(matchOnsTarget(url)).toBe(query);
  });

  it.each([
    '/topics/T/messages?consumer=G',
    '/_emulator/health',
    '/messages/?topic=T',
    '/message/x?topic=T',
    '/messagex',
    '/message//',
    'http://host',
    'http://host?message/',
    'http://host/topics/T/messages',
    'ftp://host/message/',
    '*',
  ])('%s is not', (url) => {
    expect(matchOnsTarget(url)).toBeUndefined();
  });
});

describe('ONS query', () => {
  it('reads names in any order, form-decodes values and ignores unknown names', () => {
    expect(
      parseOnsQuery('time=1500000000000&tag=a+b&key=%E4%B8%AD&topic=T&_=123&num=32&flag'),
    ).toEqual({ topic: 'T', time: '1500000000000', tag: 'a b', key: '中', num: '32' });
    expect(parseOnsQuery('msgHandle=ABC-x_Y9&topic=T&time=1')).toEqual({
      msgHandle: 'ABC-x_Y9',
      topic: 'T',
      time: '1',
    });
    expect(parseOnsQuery('')).toEqual({});
    expect(parseOnsQuery('topic=')).toEqual({ topic: '' });
  });

  it('refuses a repeated name and broken percent-encoding', () => {
    expect(() => parseOnsQuery('topic=A&topic=B')).toThrow(OnsRequestError);
    expect(() => parseOnsQuery('topic=A&topic=B')).toThrow(
      'parameter:topic is given more than once',
    );
    expect(() => parseOnsQuery('key=%E4%B8')).toThrow('parameter:key is invalid');
  });
});
