/**
 * The HTTP front over raw HTTP: success responses and their headers, and auth (PROTOCOL.md §3.1).
 * Requests are signed by the test itself (independent of lib/).
 */
import { describe, expect, it } from '@jest/globals';
import { startEmulator } from '../../../lib/emulator/index.js';
import { parseXml } from './error-document.helper.js';
import { handlesXml, NS, publishXml, useFrontFixture } from './front.fixture.js';
import { contentMd5Of, sendRaw, signedRequestBytes } from './raw-http.helper.js';

describe('emulator HTTP front', () => {
  const front = useFrontFixture();
  const { send, expectError, publish, debugLines } = front;

  describe('success responses', () => {
    it('publish → 201 <Message>, consume → 200 <Messages>, ack → 204 without content type', async () => {
      const published = await publish('front', 'hello');
      expect(published.status).toBe(201);
      expect(published.headers['content-type']).toBe('text/xml;charset=utf-8');
      expect(published.rawHeaders.map(([n]) => n)).toContain('x-mq-request-id');
      expect(published.headers['x-mq-request-id']).toMatch(/^[0-9A-F]{24}$/);
      expect(published.headers['x-mq-version']).toBe('2015-06-06');
      const message = parseXml(published.body).Message as Record<string, string>;
      expect(message.MessageBodyMD5).toBe('5D41402ABC4B2A76B9719D911017C592');

      // Parameters in Java's order, with the tag `*` sent raw: read by name, signed raw.
      const consumed = await send({
        method: 'GET',
        target: `/topics/front/messages?numOfMessages=16&consumer=GID_front&ns=${NS}&tag=*`,
      });
      expect(consumed.status).toBe(200);
      expect(consumed.headers['content-type']).toBe('text/xml;charset=utf-8');
      const list = parseXml(consumed.body).Messages as { Message: Record<string, string> };
      expect(list.Message.MessageBody).toBe('hello');

      const acked = await send({
        method: 'DELETE',
        target: `/topics/front/messages?consumer=GID_front&ns=${NS}`,
        body: handlesXml([list.Message.ReceiptHandle!]),
      });
      expect(acked.status).toBe(204);
      expect(acked.headers['content-type']).toBeUndefined();
      expect(acked.headers['x-mq-request-id']).toMatch(/^[0-9A-F]{24}$/);
      expect(acked.body).toBe('');
    });

    it('answers an empty consume with 404 MessageNotExist, never an empty 200', async () => {
      const res = await send({
        method: 'GET',
        target: `/topics/empty/messages?consumer=GID_e&numOfMessages=1`,
      });
      expectError(res, 404, 'MessageNotExist');
      // PHP's default waitseconds=-1 is a short poll.
      const php = await send({
        method: 'GET',
        target: `/topics/empty/messages?numOfMessages=1&consumer=GID_e&waitseconds=-1`,
      });
      expectError(php, 404, 'MessageNotExist');
    });

    it('lists only the failed handles in a 404 <Errors> with three children each', async () => {
      await publish('partial', 'one');
      const consumed = await send({
        method: 'GET',
        target: `/topics/partial/messages?consumer=GID_p&ns=${NS}&numOfMessages=1`,
      });
      const handle = (parseXml(consumed.body).Messages as { Message: Record<string, string> })
        .Message.ReceiptHandle!;
      const res = await send({
        method: 'DELETE',
        target: `/topics/partial/messages?consumer=GID_p&ns=${NS}`,
        body: handlesXml([handle, 'bogus', '']),
      });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('text/xml;charset=utf-8');
      const errors = (parseXml(res.body).Errors as { Error: Record<string, string>[] }).Error;
      expect(errors.map((e) => e.ReceiptHandle)).toEqual(['bogus', '']);
      for (const e of errors) {
        expect(Object.keys(e).sort()).toEqual(['ErrorCode', 'ErrorMessage', 'ReceiptHandle']);
        expect(e.ErrorCode).toBe('ReceiptHandleError');
      }
    });

    it('treats an empty <MessageTag/> (PHP) as no tag and form-decodes the tag filter', async () => {
      expect((await publish('phptag', 'untagged', '<MessageTag/>')).status).toBe(201);
      expect((await publish('phptag', 'spaced', '<MessageTag>Tag A</MessageTag>')).status).toBe(
        201,
      );
      const spaced = await send({
        method: 'GET',
        target: `/topics/phptag/messages?consumer=GID_pt&ns=${NS}&tag=Tag+A%7C%7CTagZ&numOfMessages=16`,
      });
      const list = parseXml(spaced.body).Messages as { Message: Record<string, string> };
      expect(list.Message.MessageBody).toBe('spaced');
      expect(list.Message.MessageTag).toBe('Tag A');
      const rest = await send({
        method: 'GET',
        target: `/topics/phptag/messages?consumer=GID_pt2&ns=${NS}&numOfMessages=16`,
      });
      const all = (parseXml(rest.body).Messages as { Message: Record<string, string>[] }).Message;
      const untagged = all.find((m) => m.MessageBody === 'untagged')!;
      expect(untagged.MessageTag).toBeUndefined();
    });

    it('accepts Go-style canonical header names, no XML namespace, and a GET Content-MD5', async () => {
      const body = '<Message><MessageBody>from go</MessageBody></Message>';
      const date = new Date().toUTCString();
      const md5 = contentMd5Of(body);
      const bytes = signedRequestBytes(
        {
          ...front.emulator.credentials,
          method: 'POST',
          target: `/topics/gostyle/messages?ns=${NS}`,
          body,
          date,
        },
        front.host,
      )
        .toString('latin1')
        .replace('x-mq-version:', 'X-Mq-Version:')
        .replace('Content-MD5:', 'Content-Md5:')
        .replace('Authorization:', 'AUTHORIZATION:');
      expect(md5).toHaveLength(44);
      const res = await sendRaw(front.emulator.endpoint, bytes);
      expect(res.status).toBe(201);
      const get = await send({
        method: 'GET',
        target: `/topics/gostyle/messages?consumer=GID_go&ns=${NS}&numOfMessages=16&waitseconds=30`,
        contentMd5: contentMd5Of(''),
      });
      expect(get.status).toBe(200);
    });

    it('carries a 4 MiB body (the limit) and refuses one byte more', async () => {
      const limit = 4 * 1024 * 1024;
      const big = 'x'.repeat(limit);
      expect((await publish('large', big)).status).toBe(201);
      const consumed = await send({
        method: 'GET',
        target: `/topics/large/messages?consumer=GID_large&ns=${NS}&numOfMessages=1`,
      });
      expect(consumed.status).toBe(200);
      const list = parseXml(consumed.body).Messages as { Message: Record<string, string> };
      expect(list.Message.MessageBody).toHaveLength(limit);
      expectError(await publish('large', big + 'x'), 400, 'InvalidArgument');
    });

    it('reads a body announced with Expect: 100-continue (Java)', async () => {
      const res = await send({
        method: 'POST',
        target: `/topics/expect/messages?ns=${NS}`,
        body: publishXml('continued'),
        extraHeaders: { Expect: '100-continue' },
      });
      expect(res.status).toBe(201);
    });
  });

  describe('auth (strict)', () => {
    const target = `/topics/auth/messages?consumer=GID_a&numOfMessages=1`;

    it('requires an Authorization header of the form "MQ id:signature"', async () => {
      const unsigned = await sendRaw(
        front.emulator.endpoint,
        `GET ${target} HTTP/1.1\r\nHost: ${front.host}\r\nDate: ${new Date().toUTCString()}\r\n\r\n`,
      );
      expectError(unsigned, 400, 'MissingAuthorizationHeader');
      const malformed = await sendRaw(
        front.emulator.endpoint,
        `GET ${target} HTTP/1.1\r\nHost: ${front.host}\r\nAuthorization: Bearer abc\r\nDate: ${new Date().toUTCString()}\r\n\r\n`,
      );
      expectError(malformed, 400, 'InvalidAuthorizationHeader');
    });

    it('rejects an unknown key id and a wrong signature', async () => {
      const unknown = await sendRaw(
        front.emulator.endpoint,
        signedRequestBytes(
          { method: 'GET', target, accessKeyId: 'stranger', accessKeySecret: 'x' },
          front.host,
        ),
      );
      expectError(unknown, 403, 'InvalidAccessKeyId');
      debugLines.length = 0;
      const wrong = await sendRaw(
        front.emulator.endpoint,
        signedRequestBytes(
          {
            method: 'GET',
            target,
            accessKeyId: front.emulator.credentials.accessKeyId,
            accessKeySecret: 'not-the-secret',
          },
          front.host,
        ),
      );
      expectError(wrong, 403, 'SignatureDoesNotMatch');
      // The string-to-sign is logged at debug level; the secret never is.
      expect(debugLines.join('\n')).toContain(
        'x-mq-version:2015-06-06\\n/topics/auth/messages?consumer=GID_a',
      );
      expect(debugLines.join('\n')).not.toContain(front.emulator.credentials.accessKeySecret);
    });

    it('verifies the signature over the raw request-target (%2A is not *)', async () => {
      const date = new Date().toUTCString();
      const signedStar = signedRequestBytes(
        { ...front.emulator.credentials, method: 'GET', target: `${target}&tag=*`, date },
        front.host,
      ).toString('latin1');
      const res = await sendRaw(front.emulator.endpoint, signedStar.replace('tag=*', 'tag=%2A'));
      expectError(res, 403, 'SignatureDoesNotMatch');
    });

    it('checks the Date header: missing, unparsable, or more than 15 minutes away', async () => {
      const noDate = signedRequestBytes(
        { ...front.emulator.credentials, method: 'GET', target },
        front.host,
      )
        .toString('latin1')
        .replace(/Date: [^\r]*\r\n/, '');
      expectError(await sendRaw(front.emulator.endpoint, noDate), 400, 'MissingDateHeader');
      expectError(
        await send({ method: 'GET', target, date: 'yesterday-ish' }),
        400,
        'InvalidDateHeader',
      );
      const old = new Date(Date.now() - 16 * 60_000).toUTCString();
      expectError(await send({ method: 'GET', target, date: old }), 408, 'TimeExpired');
      const future = new Date(Date.now() + 16 * 60_000).toUTCString();
      expectError(await send({ method: 'GET', target, date: future }), 408, 'TimeExpired');
    });

    it('measures the Date skew against real time even after the virtual clock moved days ahead', async () => {
      front.emulator.admin.advance(5 * 24 * 3_600_000);
      const res = await send({ method: 'GET', target });
      expectError(res, 404, 'MessageNotExist');
    });

    it('verifies a present Content-MD5 against the body', async () => {
      const res = await send({
        method: 'POST',
        target: `/topics/md5/messages?ns=${NS}`,
        body: publishXml('x'),
        contentMd5: contentMd5Of('something else'),
      });
      expectError(res, 400, 'InvalidDigest');
      const rawDigest = await send({
        method: 'POST',
        target: `/topics/md5/messages?ns=${NS}`,
        body: publishXml('x'),
        contentMd5: (await import('node:crypto'))
          .createHash('md5')
          .update(publishXml('x'))
          .digest('base64'),
      });
      expect(rawDigest.status).toBe(201);
    });

    it('is skipped entirely with auth off', async () => {
      const open = await startEmulator({ auth: 'off' });
      try {
        const body = publishXml('no signature');
        const res = await sendRaw(
          open.endpoint,
          `POST /topics/open/messages HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        expect(res.status).toBe(201);
      } finally {
        await open.stop();
      }
    });
  });
});
