/**
 * The fast lane's head reader takes only the plainest MQ requests and reads them as node:http
 * does; everything else is left to node:http (undefined).
 */
import { describe, expect, it } from '@jest/globals';
import { readRequestHead } from '../../../lib/emulator/http/fast-lane.head.js';

const MAX_BODY = 1024;
const head = (lines: string[]): string => lines.join('\r\n');
const plain = [
  'POST /topics/T1/messages?ns=MQ_INST_1 HTTP/1.1',
  'Host: 127.0.0.1:8080',
  'Content-Length: 12',
  'x-mq-version: 2015-06-06',
];

describe('fast lane request head', () => {
  it('reads a plain request as node:http would: lower-case names, values without OWS', () => {
    const parsed = readRequestHead(
      head([...plain, 'Authorization: \t MQ id:sig= \t', 'X-Empty:', 'Connection: Keep-Alive']),
      MAX_BODY,
    );
    expect(parsed).toBeDefined();
    expect(parsed?.method).toBe('POST');
    expect(parsed?.url).toBe('/topics/T1/messages?ns=MQ_INST_1');
    expect(parsed?.contentLength).toBe(12);
    expect({ ...parsed?.headers }).toEqual({
      host: '127.0.0.1:8080',
      'content-length': '12',
      'x-mq-version': '2015-06-06',
      authorization: 'MQ id:sig=',
      'x-empty': '',
      connection: 'Keep-Alive',
    });
  });

  it('keeps any header name as data, __proto__ included', () => {
    const parsed = readRequestHead(head([...plain, '__proto__: x']), MAX_BODY);
    expect(parsed?.headers['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(parsed?.headers)).toBeNull();
  });

  it('takes obs-text (bytes 0x80-0xff) in values, as node:http does', () => {
    expect(readRequestHead(head([...plain, 'User-Agent: caf\u00e9']), MAX_BODY)).toBeDefined();
  });

  it('has no body without Content-Length', () => {
    const parsed = readRequestHead(
      head(['GET /topics/T1/messages?consumer=G HTTP/1.1', 'Host: x']),
      MAX_BODY,
    );
    expect(parsed?.contentLength).toBe(0);
  });

  it.each([
    ['another path', ['GET / HTTP/1.1', 'Host: x']],
    ['the admin API', ['GET /_emulator/health HTTP/1.1', 'Host: x']],
    ['the ONS API', ['POST /message/?topic=T HTTP/1.1', 'Host: x']],
    ['an absolute-form target', ['GET http://x/topics/T/messages HTTP/1.1', 'Host: x']],
    ['another method', ['PUT /topics/T/messages HTTP/1.1', 'Host: x']],
    ['HEAD', ['HEAD /topics/T/messages HTTP/1.1', 'Host: x']],
    ['HTTP/1.0', ['GET /topics/T/messages HTTP/1.0', 'Host: x']],
    ['a space in the target', ['GET /topics/T /messages HTTP/1.1', 'Host: x']],
    ['a control byte in the target', ['GET /topics/T\x01/messages HTTP/1.1', 'Host: x']],
    ['no Host', ['GET /topics/T/messages HTTP/1.1', 'x-mq-version: 2015-06-06']],
    ['a repeated header', [...plain, 'x-mq-version: 2015-06-06']],
    ['a repeated header in another case', [...plain, 'HOST: y']],
    ['Transfer-Encoding', [...plain, 'Transfer-Encoding: chunked']],
    ['Expect', [...plain, 'Expect: 100-continue']],
    ['Upgrade', [...plain, 'Upgrade: h2c']],
    ['Connection: close', [...plain, 'Connection: close']],
    [
      'a Content-Length that is not digits',
      ['POST /topics/T/messages HTTP/1.1', 'Host: x', 'Content-Length: 1e3'],
    ],
    [
      'a body larger than allowed',
      ['POST /topics/T/messages HTTP/1.1', 'Host: x', 'Content-Length: 1025'],
    ],
    ['a space before the colon', [...plain, 'X-Bad : 1']],
    ['a line without a colon', [...plain, 'garbage']],
    ['an empty name', [...plain, ': value']],
    ['a control byte in a value', [...plain, 'X-Bad: a\x00b']],
    ['a bare CR in a value', [...plain, 'X-Bad: a\rb']],
    ['an obs-fold continuation line', [...plain, ' folded']],
  ])('leaves %s to node:http', (_what, lines) => {
    expect(readRequestHead(head(lines), MAX_BODY)).toBeUndefined();
  });

  it('leaves a head with very many headers to node:http', () => {
    const many = Array.from({ length: 70 }, (_, i) => `X-H${i}: v`);
    expect(readRequestHead(head([...plain, ...many]), MAX_BODY)).toBeUndefined();
  });
});
