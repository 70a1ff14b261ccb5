/**
 * Hostile input against the real HTTP front: oversized bodies answered (not EPIPE) to the official
 * SDK and our client, request documents bounded by shape before any parser runs (element bombs,
 * deep nesting, repeated leaves, several roots, unknown elements), and slow or broken connections
 * closed by the header and request timeouts. (Peak memory under such input: bench scenario 5b.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import MQ from '@aliyunmq/mq-http-sdk';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { MQClient, MQServiceError } from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { handlesXml, NS, useFrontFixture } from './front.fixture.js';
import { ResponseReader } from './raw-http.helper.js';

describe('hostile input', () => {
  const front = useFrontFixture();

  describe('oversized bodies', () => {
    const big = 'x'.repeat(6 * 1024 * 1024);

    it('the official SDK gets the InvalidArgument error document, not a broken pipe', async () => {
      const { emulator } = front;
      const sdk = new MQ.MQClient(
        emulator.endpoint,
        emulator.credentials.accessKeyId,
        emulator.credentials.accessKeySecret,
      );
      const error = await sdk
        .getProducer(NS, 'big-sdk')
        .publishMessage(big)
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(error).toMatchObject({ Code: 'InvalidArgument' });
      expect(emulator.admin.peek({ topic: 'big-sdk' })).toEqual([]);
    });

    it('our client gets the InvalidArgument error, and its connection keeps working', async () => {
      // Within the 4 MiB message limit our client checks, but 5.5 MB of XML once `&` is escaped.
      const escaped = '&'.repeat(1_100_000);
      const { emulator } = front;
      const client = new MQClient(emulator.endpoint, emulator.credentials, {
        instanceId: NS,
        connections: 1,
      });
      try {
        const error = await client
          .publish('big-ours', { body: escaped })
          .catch((err: unknown) => err);
        expect(error).toBeInstanceOf(MQServiceError);
        expect(error).toMatchObject({ code: 'InvalidArgument', status: 400 });
        await client.publish('big-ours', { body: 'small' });
        expect(emulator.admin.peek({ topic: 'big-ours' }).map((m) => m.body)).toEqual(['small']);
      } finally {
        await client.close();
      }
    });
  });

  describe('request documents bounded before parsing', () => {
    const publishRaw = (body: string, topic = 'shapes') =>
      front.send({ method: 'POST', target: `/topics/${topic}/messages?ns=${NS}`, body });
    const ackRaw = (body: string) =>
      front.send({
        method: 'DELETE',
        target: `/topics/shapes/messages?ns=${NS}&consumer=GID_shapes`,
        body,
      });
    const schemaMessage = (element: string) =>
      `The XML you provided did not validate against our published schema, cause by ${element}.`;

    it.each([
      [
        '1.25 M empty elements (4.8 MiB)',
        `<Message><MessageBody>x</MessageBody>${'<e/>'.repeat(1_250_000)}</Message>`,
        'e',
      ],
      [
        '350 k repeated leaves (4.5 MB)',
        `<Message><MessageBody>x</MessageBody>${'<MessageTag/>'.repeat(350_000)}</Message>`,
        'MessageTag',
      ],
      [
        'a million nested elements',
        `<Message><MessageBody>${'<a>'.repeat(1_000_000)}</MessageBody></Message>`,
        'MessageBody',
      ],
      [
        'an element the schema does not have',
        '<Message><MessageBody>x</MessageBody><Priority>9</Priority></Message>',
        'Priority',
      ],
    ])('refuses %s with InvalidArgument naming the element', async (_label, doc, element) => {
      const res = await publishRaw(doc);
      front.expectError(res, 400, 'InvalidArgument');
      expect(res.body).toContain(schemaMessage(element));
    });

    it('refuses half a million roots and a DOCTYPE as MalformedXML', async () => {
      front.expectError(await publishRaw('<Message/>'.repeat(500_000)), 400, 'MalformedXML');
      front.expectError(
        await publishRaw(
          '<!DOCTYPE m [<!ENTITY a "aaaa">]><Message><MessageBody>&a;</MessageBody></Message>',
        ),
        400,
        'MalformedXML',
      );
    });

    it('refuses an ack of 100 000 handles with the handle-count error', async () => {
      const res = await ackRaw(handlesXml(Array.from({ length: 100_000 }, (_, i) => `h${i}`)));
      front.expectError(res, 400, 'InvalidArgument');
      expect(res.body).toContain('ReceiptHandle count');
    });

    it('still accepts what the SDKs send: prefixes, comments, declarations, CDATA, any order', async () => {
      const res = await publishRaw(
        '<?xml version="1.0" encoding="UTF-8"?><!-- c --><m:Message xmlns:m="http://mq.aliyuncs.com/doc/v1/">' +
          '<m:MessageTag>T</m:MessageTag><m:MessageBody><![CDATA[<not an element>]]></m:MessageBody>' +
          '</m:Message>',
        'shapes-ok',
      );
      expect(res.status).toBe(201);
      expect(front.emulator.admin.peek({ topic: 'shapes-ok' })[0]).toMatchObject({
        body: '<not an element>',
        tag: 'T',
      });
    });
  });
});

describe('slow and broken connections', () => {
  let emulator: RunningEmulator;
  let port = 0;
  beforeAll(async () => {
    // Short timeouts so that the test waits a fraction of a second, not the 10 s default.
    emulator = await startEmulator({
      auth: 'off',
      timings: { headersTimeoutMs: 200, requestTimeoutMs: 400 },
    });
    port = Number(new URL(emulator.endpoint).port);
  });
  afterAll(() => emulator.stop());

  /**
   * Opens a connection, runs `act`, resolves with what the server sent once it closed. A server
   * that closes a socket with unread bytes in it (the slowloris case) makes the kernel answer the
   * client's next write with a reset: ECONNRESET / EPIPE are that close seen from this side.
   */
  const untilServerCloses = (act: (socket: Socket) => void): Promise<string> =>
    new Promise((resolve, reject) => {
      let received = '';
      const socket = connect(port, '127.0.0.1', () => act(socket));
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('close', () => resolve(received));
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
      });
    });

  it('closes a connection that sends nothing', async () => {
    expect(await untilServerCloses(() => undefined)).toBe('');
  });

  it('closes a bare request line that never ends', async () => {
    expect(await untilServerCloses((s) => s.write('GET /'))).toBe('');
  });

  it('closes slowloris: headers that keep coming, never complete', async () => {
    let timer: NodeJS.Timeout | undefined;
    const received = await untilServerCloses((s) => {
      s.write('GET /topics/t/messages?consumer=G&numOfMessages=1 HTTP/1.1\r\nHost: x\r\n');
      timer = setInterval(() => s.write('X-Slow: 1\r\n'), 50);
    });
    clearInterval(timer);
    expect(received).toBe('');
  });

  it('closes a request whose body never completes', async () => {
    const received = await untilServerCloses((s) =>
      s.write('POST /topics/t/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<Mess'),
    );
    expect(received).toBe('');
  });

  it('answers a garbage request line with the XML error, then closes', async () => {
    const received = await untilServerCloses((s) => s.write('\u0001\u0002 garbage\r\n\r\n'));
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(received).toContain('<Code>InvalidRequestURL</Code>');
  });

  it('does not cut a long poll that outlasts the request timeout', async () => {
    const socket = await new Promise<Socket>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
    });
    const reader = new ResponseReader(socket);
    socket.write(
      'GET /topics/t/messages?consumer=G&numOfMessages=1&waitseconds=1 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const res = await reader.next();
    socket.destroy();
    expect(res.status).toBe(404);
    expect(res.body).toContain('<Code>MessageNotExist</Code>');
  });
});
