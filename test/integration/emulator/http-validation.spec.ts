/**
 * The HTTP front's request validation over raw HTTP: paths, methods, query items, bodies, sizes and
 * unparsable HTTP, each answered with the cloud's error document.
 */
import { describe, expect, it } from '@jest/globals';
import { expectErrorDocument } from './error-document.helper.js';
import { handlesXml, publishXml, useFrontFixture } from './front.fixture.js';
import { connect, type Socket } from 'node:net';
import { ResponseReader, sendRaw, signedRequestBytes } from './raw-http.helper.js';

function openSocket(endpoint: string): Promise<Socket> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('emulator HTTP front', () => {
  const front = useFrontFixture();
  const { send, expectError } = front;

  describe('request validation', () => {
    it.each([
      ['POST', '/'],
      ['DELETE', '/'],
      ['GET', '/topics'],
      ['GET', '/topics/T'],
      ['GET', '/topics//messages'],
      ['GET', '/topics/T/messages/extra'],
      ['GET', '//topics/T/messages'],
      ['GET', '/topics/T%ZZ/messages'],
      ['PUT', '/topics/T/messages'],
      ['PATCH', '/topics/T/messages'],
      ['HEAD', '/topics/T/messages'],
      ['OPTIONS', '/topics/T/messages'],
    ])('%s %s → 400 InvalidRequestURL', async (method, path) => {
      const res = await send({ method, target: path });
      expect(res.status).toBe(400);
      if (method !== 'HEAD')
        expect(expectErrorDocument(res, front.emulator.endpoint).code).toBe('InvalidRequestURL');
    });

    it.each([
      ['consumer=G&numOfMessages=1&numOfMessages=2', 'InvalidQueryString'],
      ['consumer=G&numOfMessages=1&bogus=1', 'InvalidQueryString'],
      ['consumer=G&numOfMessages=1&novalue', 'InvalidQueryString'],
      ['consumer=G&numOfMessages=1&tag=%E0%A4%A', 'InvalidQueryString'],
      ['consumer=G&numOfMessages=1&tag=%FF', 'InvalidQueryString'],
      ['consumer=G', 'InvalidArgument'],
      ['consumer=G&numOfMessages=0', 'InvalidArgument'],
      ['consumer=G&numOfMessages=17', 'InvalidArgument'],
      ['consumer=G&numOfMessages=abc', 'InvalidArgument'],
      ['consumer=G&numOfMessages=1.5', 'InvalidArgument'],
      ['consumer=G&numOfMessages=1&waitseconds=31', 'InvalidArgument'],
      ['consumer=G&numOfMessages=1&waitseconds=x', 'InvalidArgument'],
      ['consumer=G&numOfMessages=1&trans=commit', 'InvalidArgument'],
      ['consumer=G&numOfMessages=1&trans=%01', 'InvalidArgument'],
      ['numOfMessages=1', 'InvalidArgument'],
      ['consumer=&numOfMessages=1', 'InvalidArgument'],
    ])('GET ?%s → 400 %s', async (query, code) => {
      expectError(await send({ method: 'GET', target: `/topics/q/messages?${query}` }), 400, code);
    });

    it('rejects bad ack bodies and handle counts', async () => {
      const target = `/topics/acks/messages?consumer=GID_acks`;
      expectError(await send({ method: 'DELETE', target, body: '' }), 400, 'MissingReceiptHandle');
      expectError(
        await send({ method: 'DELETE', target, body: '<ReceiptHandles/>' }),
        400,
        'MissingReceiptHandle',
      );
      const seventeen = handlesXml(Array.from({ length: 17 }, (_, i) => `h${i}`));
      expectError(
        await send({ method: 'DELETE', target, body: seventeen }),
        400,
        'InvalidArgument',
      );
      const two = handlesXml(['a', 'b']);
      expectError(
        await send({ method: 'DELETE', target: `${target}&trans=commit`, body: two }),
        400,
        'InvalidArgument',
      );
      expectError(
        await send({ method: 'DELETE', target: `${target}&trans=pop`, body: two }),
        400,
        'InvalidArgument',
      );
      expectError(
        await send({ method: 'DELETE', target, body: '<Handles><H>a</H></Handles>' }),
        400,
        'MalformedXML',
      );
      expectError(
        await send({
          method: 'POST',
          target: `/topics/acks/messages?trans=order`,
          body: publishXml('x'),
        }),
        400,
        'InvalidArgument',
      );
    });

    it.each([
      ['not xml at all', 'MalformedXML'],
      ['<Message><MessageBody>unclosed</Message>', 'MalformedXML'],
      ['<Other><MessageBody>x</MessageBody></Other>', 'MalformedXML'],
      ['<Message><MessageTag>t</MessageTag></Message>', 'InvalidArgument'],
      ['<Message><MessageBody></MessageBody></Message>', 'InvalidArgument'],
      ['<Message><MessageBody><![CDATA[a]]>b]]></MessageBody></Message>', 'MalformedXML'],
      ['<Message><MessageBody>&bogus;</MessageBody></Message>', 'MalformedXML'],
      ['<Message><MessageBody>&#1;</MessageBody></Message>', 'MalformedXML'],
      ['<Message><MessageBody>a\u0001b</MessageBody></Message>', 'InvalidContent'],
      [
        '<Message><MessageBody>x</MessageBody><Properties>bad|</Properties></Message>',
        'InvalidArgument',
      ],
      [
        '<Message><MessageBody>x</MessageBody><Properties>k:</Properties></Message>',
        'InvalidArgument',
      ],
      [
        '<Message><MessageBody>x</MessageBody><Properties>:v|</Properties></Message>',
        'InvalidArgument',
      ],
    ])('publish body %j → 400 %s', async (body, code) => {
      expectError(
        await send({ method: 'POST', target: `/topics/bodies/messages`, body }),
        400,
        code,
      );
    });

    it('refuses bytes that are not UTF-8 as MalformedXML', async () => {
      const body = Buffer.concat([
        Buffer.from('<Message><MessageBody>'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('</MessageBody></Message>'),
      ]);
      expectError(
        await send({ method: 'POST', target: `/topics/bodies/messages`, body }),
        400,
        'MalformedXML',
      );
    });

    it('answers a request with an unread body at once, drops the body and keeps the connection', async () => {
      const socket = await openSocket(front.emulator.endpoint);
      const reader = new ResponseReader(socket);
      const announced = 10 * 1024 * 1024;
      socket.write(
        `POST /topics/big/messages HTTP/1.1\r\nHost: ${front.host}\r\nContent-Length: ${announced}\r\n` +
          `Date: ${new Date().toUTCString()}\r\n\r\n<Message>`,
      );
      // Auth is checked first: this unsigned request fails there, before any body is read, and is
      // answered while the client still has most of its body to send.
      const first = await reader.next();
      expect(first.status).toBe(400);
      expect(expectErrorDocument(first, front.emulator.endpoint).code).toBe(
        'MissingAuthorizationHeader',
      );
      expect(first.headers.connection).toBe('keep-alive');
      socket.write(Buffer.alloc(announced - '<Message>'.length, 'x'));
      socket.write(
        signedRequestBytes(
          { ...front.emulator.credentials, method: 'GET', target: '/x' },
          front.host,
        ),
      );
      expectError(await reader.next(), 400, 'InvalidRequestURL');
      socket.destroy();
    });

    it('answers a body over the cap with InvalidArgument, reading and dropping the rest', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024 + 1, 'a');
      const socket = await openSocket(front.emulator.endpoint);
      const reader = new ResponseReader(socket);
      socket.write(
        signedRequestBytes(
          {
            ...front.emulator.credentials,
            method: 'POST',
            target: `/topics/big/messages`,
            body: big,
            contentMd5: false,
          },
          front.host,
        ),
      );
      expectError(await reader.next(), 400, 'InvalidArgument');
      // The same connection carries the next request: nothing of the big body was left unread.
      socket.write(
        signedRequestBytes(
          { ...front.emulator.credentials, method: 'GET', target: '/x' },
          front.host,
        ),
      );
      expectError(await reader.next(), 400, 'InvalidRequestURL');
      socket.destroy();
    });

    it('answers a body announced beyond what is worth reading at once, then closes', async () => {
      const head =
        `POST /topics/big/messages HTTP/1.1\r\nHost: ${front.host}\r\nContent-Length: ${1024 * 1024 * 1024}\r\n` +
        `Date: ${new Date().toUTCString()}\r\n\r\n<Message>`;
      const res = await sendRaw(front.emulator.endpoint, head);
      expect(expectErrorDocument(res, front.emulator.endpoint).code).toBe(
        'MissingAuthorizationHeader',
      );
      expect(res.headers.connection).toBe('close');
    });

    it('refuses an oversized Expect: 100-continue request before the body is sent', async () => {
      const bytes = signedRequestBytes(
        {
          ...front.emulator.credentials,
          method: 'POST',
          target: `/topics/big/messages`,
          contentMd5: false,
        },
        front.host,
      )
        .toString('latin1')
        .replace('Content-Length: 0', `Content-Length: ${6 * 1024 * 1024}\r\nExpect: 100-continue`);
      const res = await sendRaw(front.emulator.endpoint, bytes);
      expectError(res, 400, 'InvalidArgument');
      expect(res.headers.connection).toBe('close');
    });

    it('answers unparsable HTTP with the XML error too', async () => {
      const res = await sendRaw(
        front.emulator.endpoint,
        'GET /topics/T/messages HTTP/1.1\r\nBad Header Line\r\n\r\n',
      );
      expectError(res, 400, 'InvalidRequestURL');
    });

    it('answers CONNECT (not part of the protocol) with the XML error too', async () => {
      const res = await sendRaw(
        front.emulator.endpoint,
        'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      );
      expectError(res, 400, 'InvalidRequestURL');
    });

    it('answers an unsupported Expect value with the XML error, not a bare 417', async () => {
      const res = await send({
        method: 'POST',
        target: '/topics/expect/messages',
        body: publishXml('x'),
        extraHeaders: { Expect: 'something-else' },
      });
      expectError(res, 400, 'InvalidArgument');
    });
  });
});
