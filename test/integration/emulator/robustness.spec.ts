/**
 * Robustness: a few hundred generated malformed requests over raw HTTP. Every one must get a 4xx
 * with a well-formed `<Error>` document, the process must keep serving, and a normal publish and
 * consume must work afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { expectErrorDocument } from './error-document.helper.js';
import { contentMd5Of, sendRaw, signedRequestBytes } from './raw-http.helper.js';

const VALID_PUBLISH =
  '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/"><MessageBody>hello</MessageBody><MessageTag>T</MessageTag></Message>';
const VALID_ACK = '<ReceiptHandles><ReceiptHandle>abc-def</ReceiptHandle></ReceiptHandles>';

/** Characters a client may legally put in a request-target (no spaces or controls: those are framing errors). */
const urlChar = fc.constantFrom(
  ..."abcXYZ019-_.~!$&'()*+,;=:@/?%".split(''),
  '%00',
  '%FF',
  '%2F',
  '%E4%BD%A0',
  '%C3%28',
  '%',
  '%G1',
);
const urlText = fc.array(urlChar, { maxLength: 30 }).map((parts) => parts.join(''));
const token = fc.string({
  unit: fc.constantFrom(...'aZ09_-'.split('')),
  minLength: 1,
  maxLength: 8,
});

/** Defects that make any GET or DELETE query wrong. */
const ANY_METHOD_DEFECTS = [
  'trans=bogus',
  'trans=%01',
  'consumer=',
  'unknown=1',
  'tag=%ZZ',
  'tag=%C3%28',
  'noequals',
  '=value',
  'ns=a&ns=b',
];
/** Defects that only a consume (GET) checks. */
const GET_DEFECTS = [
  'numOfMessages=0',
  'numOfMessages=17',
  'numOfMessages=-3',
  'numOfMessages=1e1',
  'numOfMessages=',
  'numOfMessages=99999999999999',
  'waitseconds=31',
  'waitseconds=abc',
  'trans=commit',
];

/** A query that is wrong in at least one way (the defect), plus random other items. */
const badQuery = (method: 'GET' | 'DELETE'): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(
        ...ANY_METHOD_DEFECTS,
        ...(method === 'GET' ? GET_DEFECTS : ['trans=pop', 'trans=order']),
      ),
      fc.array(fc.tuple(fc.constantFrom('ns', 'tag', 'waitseconds', 'x', 'consumer'), urlText), {
        maxLength: 3,
      }),
    )
    .map(([defect, extras]) => {
      const base = defect.startsWith('consumer')
        ? 'numOfMessages=1'
        : defect.startsWith('numOfMessages')
          ? 'consumer=GID_fuzz'
          : 'consumer=GID_fuzz&numOfMessages=1';
      // Extras come after the defect so an earlier duplicate cannot hide it.
      return [base, defect, ...extras.map(([k, v]) => `${k}=${v}`)].join('&');
    });

/** An XML body that is broken by construction. */
const badBody: fc.Arbitrary<Buffer> = fc.oneof(
  // Truncated: the root element is never closed.
  fc
    .tuple(fc.constantFrom(VALID_PUBLISH, VALID_ACK), fc.nat())
    .map(([doc, n]) => Buffer.from(doc.slice(0, n % (doc.length - 1)))),
  // A valid document with one corrupting insertion inside the root.
  fc
    .tuple(
      fc.constantFrom(VALID_PUBLISH, VALID_ACK),
      fc.constantFrom(
        '&',
        '&bogus;',
        '<',
        '\u0001',
        '&#0;',
        ']]>',
        '<MessageBody>',
        '</X>',
        '<![CDATA[',
      ),
    )
    .map(([doc, junk]) => {
      const at = doc.indexOf('>', doc.indexOf('<M') + 1) + 1 || doc.indexOf('<ReceiptHandle>') + 15;
      return Buffer.from(doc.slice(0, at) + junk + doc.slice(at));
    }),
  // Wrong roots or missing required content.
  fc
    .constantFrom(
      '<Other/>',
      '<Message/>',
      '<Message><MessageBody></MessageBody></Message>',
      '<Message><MessageTag>t</MessageTag></Message>',
      '<ReceiptHandles/>',
      '<Errors><Error/></Errors>',
      '',
      '   ',
      '<?xml version="1.0"?>',
    )
    .map((s) => Buffer.from(s)),
  // Random bytes, often not UTF-8.
  fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((a) => Buffer.from(a)),
  // Huge-ish garbage (not XML).
  fc.integer({ min: 50_000, max: 400_000 }).map((n) => Buffer.alloc(n, 'z')),
);

interface FuzzRequest {
  bytes: Buffer;
  head: boolean;
  label: string;
}

describe('emulator robustness', () => {
  let emulator: RunningEmulator;
  let host: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({
      logger: (line) => {
        if (line.startsWith('[warn]')) warnings.push(line);
      },
    });
    host = new URL(emulator.endpoint).host;
  });
  afterAll(() => emulator.stop());

  const signed = (
    method: string,
    target: string,
    body?: Buffer,
    contentMd5?: string | false,
  ): Buffer =>
    signedRequestBytes(
      {
        ...emulator.credentials,
        method,
        target,
        ...(body ? { body } : {}),
        ...(contentMd5 !== undefined ? { contentMd5 } : {}),
      },
      host,
    );

  const requests: fc.Arbitrary<FuzzRequest> = fc.oneof(
    // Unsigned or badly signed requests with random method, path and headers.
    fc
      .record({
        method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'FOO'),
        path: fc.oneof(
          urlText.map((p) => `/${p}`),
          fc.constant('/topics/T/messages'),
          fc.constant('/_emulatorx'),
        ),
        query: fc.option(urlText),
        authorization: fc.option(
          fc.oneof(
            fc.constant('MQ'),
            fc.constant('MQ :'),
            fc.constant('MQ emulator:'),
            fc.constant('MQ emulator:AAAA'),
            fc.constant('MQ nobody:AAAA'),
            fc.constant('Basic Zm9vOmJhcg=='),
            token.map((t) => `MQ ${t}:${t}`),
          ),
        ),
        date: fc.option(
          fc.oneof(
            fc.constant('yesterday'),
            fc.constant('Thu, 01 Jan 1970 00:00:00 GMT'),
            fc.constant(new Date().toUTCString()),
            token,
          ),
        ),
        contentMd5: fc.option(fc.oneof(fc.constant('bad'), fc.constant(contentMd5Of('x')))),
        body: fc.option(badBody),
      })
      // `GET /` is the emulator's pointer page, not an error (a random path may be `/?…` too).
      .filter((r) => !(r.method === 'GET' && /^\/(\?|$)/.test(r.path)))
      .map((r) => {
        const target = r.query === null ? r.path : `${r.path}?${r.query}`;
        const lines = [`${r.method} ${target} HTTP/1.1`, `Host: ${host}`];
        if (r.authorization !== null) lines.push(`Authorization: ${r.authorization}`);
        if (r.date !== null) lines.push(`Date: ${r.date}`);
        if (r.contentMd5 !== null) lines.push(`Content-MD5: ${r.contentMd5}`);
        const body = r.body ?? Buffer.alloc(0);
        lines.push(`Content-Length: ${body.length}`);
        const bytes = Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
        return { bytes, head: false, label: `${r.method} ${target}` };
      }),
    // Signed, wrong path or method (`GET /` is the emulator's pointer page, not an error).
    fc
      .tuple(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'), urlText)
      .filter(([, p]) => !/^topics\/[^/?]+\/messages(\?|$)/.test(p))
      .filter(([method, p]) => !(method === 'GET' && /^(\?|$)/.test(p)))
      .map(([method, p]) => ({
        bytes: signed(method, `/${p}`),
        head: false,
        label: `${method} /${p}`,
      })),
    // Signed, right path, bad query.
    fc
      .constantFrom('GET' as const, 'DELETE' as const)
      .chain((method) => badQuery(method).map((q) => [method, q] as const))
      .map(([method, q]) => ({
        bytes: signed(
          method,
          `/topics/fuzz/messages?${q}`,
          method === 'DELETE' ? Buffer.from(VALID_ACK) : undefined,
        ),
        head: false,
        label: `${method} ?${q}`,
      })),
    // Signed, right path, broken body (publish, ack, commit).
    fc
      .tuple(fc.constantFrom('', '?consumer=GID_fuzz', '?consumer=GID_fuzz&trans=commit'), badBody)
      .map(([q, body]) => {
        const method = q === '' ? 'POST' : 'DELETE';
        return {
          bytes: signed(method, `/topics/fuzz/messages${q}`, body),
          head: false,
          label: `${method} body ${body.length}B`,
        };
      }),
    // Signed, valid body, Content-MD5 that does not match.
    fc.constantFrom(VALID_PUBLISH + ' ', 'other').map((other) => ({
      bytes: signed(
        'POST',
        '/topics/fuzz/messages',
        Buffer.from(VALID_PUBLISH),
        contentMd5Of(other),
      ),
      head: false,
      label: 'bad Content-MD5',
    })),
  );

  it('answers a few hundred malformed requests with a 4xx <Error>, then still works', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (req) => {
        const res = await sendRaw(emulator.endpoint, req.bytes, req.head);
        if (res.status < 400 || res.status > 499)
          throw new Error(`${req.label} → ${res.status} ${res.body.slice(0, 300)}`);
        expectErrorDocument(res, emulator.endpoint);
      }),
      { numRuns: 400 },
    );
    expect(warnings).toEqual([]);

    const body = Buffer.from(VALID_PUBLISH);
    const published = await sendRaw(
      emulator.endpoint,
      signed('POST', '/topics/after-fuzz/messages', body),
    );
    expect(published.status).toBe(201);
    const consumed = await sendRaw(
      emulator.endpoint,
      signed('GET', '/topics/after-fuzz/messages?consumer=GID_after&numOfMessages=16'),
    );
    expect(consumed.status).toBe(200);
    expect(consumed.body).toContain('<MessageBody>hello</MessageBody>');
  });

  it('answers an over-cap body (> 5 MiB) with InvalidArgument', async () => {
    const res = await sendRaw(
      emulator.endpoint,
      signed('POST', '/topics/fuzz/messages', Buffer.alloc(5 * 1024 * 1024 + 10, '<'), false),
    );
    expect(res.status).toBe(400);
    expect(expectErrorDocument(res, emulator.endpoint).code).toBe('InvalidArgument');
  });
});
