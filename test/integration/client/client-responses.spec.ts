/** How the client decodes every documented response, and refuses what it cannot understand. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MQClient, MQProtocolError, MQServiceError } from '../../../lib/client/index.js';
import {
  buildAckErrors,
  buildConsumeResponse,
  buildError,
  buildPublishResponse,
  bodyMd5,
} from '../../../lib/protocol/index.js';
import type { ConsumedMessageDoc } from '../../../lib/protocol/index.js';
import { ScriptedServer, reply } from './scripted-server.js';

const CREDS = { accessKeyId: 'AKID', accessKeySecret: 'sekret' };

function message(overrides: Partial<ConsumedMessageDoc> = {}): ConsumedMessageDoc {
  const body = overrides.body ?? 'hello';
  return {
    messageId: '0A1B2C3D00002A9F4E8B1C7D00000001',
    receiptHandle: '0A1B2C3D00002A9F4E8B1C7D00000001-MTc2NzIyNTYwMDEwMDox',
    bodyMd5: bodyMd5(body),
    body,
    publishTime: 1767225600000,
    firstConsumeTime: 1767225600100,
    nextConsumeTime: 1767225900100,
    consumedTimes: 1,
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('MQClient responses', () => {
  let server: ScriptedServer;
  let client: MQClient;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    client = new MQClient(server.endpoint, CREDS);
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('201 publish → messageId, bodyMd5, requestId', async () => {
    server.next(
      reply(201, buildPublishResponse({ messageId: 'MID1', bodyMd5: bodyMd5('hello') }), {
        'x-mq-request-id': '5DF07C9B31383790319F4D26',
      }),
    );
    await expect(client.publish('T1', { body: 'hello' })).resolves.toEqual({
      messageId: 'MID1',
      bodyMd5: '5D41402ABC4B2A76B9719D911017C592',
      requestId: '5DF07C9B31383790319F4D26',
    });
  });

  it('201 transactional publish → receiptHandle', async () => {
    server.next(
      reply(
        201,
        buildPublishResponse({ messageId: 'MID2', bodyMd5: bodyMd5('tx'), receiptHandle: 'RH-1' }),
      ),
    );
    const result = await client.publish('T1', { body: 'tx', transCheckImmunitySeconds: 30 });
    expect(result.receiptHandle).toBe('RH-1');
  });

  it('200 consume → typed messages, reserved properties lifted', async () => {
    const full = message({
      body: 'a & b <c>\r\n',
      tag: 'TagA',
      consumedTimes: 3,
      properties:
        'KEYS:order-42|__STARTDELIVERTIME:1767225900000|__TransCheckT:30|__SHARDINGKEY:u1|color:red|',
    });
    const bare = message({ messageId: 'M2', receiptHandle: 'H2' });
    server.next(reply(200, buildConsumeResponse([full, bare])));
    const msgs = await client.consume('T1', 'G', { numOfMessages: 2 });
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toEqual({
      messageId: full.messageId,
      receiptHandle: full.receiptHandle,
      bodyMd5: full.bodyMd5,
      body: 'a & b <c>\r\n',
      publishTime: 1767225600000,
      firstConsumeTime: 1767225600100,
      nextConsumeTime: 1767225900100,
      consumedTimes: 3,
      tag: 'TagA',
      key: 'order-42',
      startDeliverTime: 1767225900000,
      transCheckImmunitySeconds: 30,
      shardingKey: 'u1',
      properties: { color: 'red' },
    });
    expect(typeof msgs[0]!.publishTime).toBe('number');
    expect(msgs[1]!.tag).toBeUndefined();
    expect(msgs[1]!.key).toBeUndefined();
    expect(msgs[1]!.properties).toEqual({});
  });

  it('404 MessageNotExist on consume (any variant) → []', async () => {
    const empty = reply(
      404,
      buildError({
        code: 'MessageNotExist',
        message: 'Message not exist.',
        requestId: 'R',
        hostId: 'h',
      }),
    );
    server.next(empty, empty, empty);
    await expect(client.consume('T1', 'G')).resolves.toEqual([]);
    await expect(client.consumeOrderly('T1', 'G')).resolves.toEqual([]);
    await expect(client.consumeHalf('T1', 'G')).resolves.toEqual([]);
  });

  it('204 ack / commit / rollback → everything acked', async () => {
    server.next(reply(204, '', { 'x-mq-request-id': 'R204' }), reply(204), reply(204));
    const handles = ['h1', 'h2'];
    const result = await client.ack('T1', 'G', handles);
    expect(result).toEqual({ acked: ['h1', 'h2'], failed: [], requestId: 'R204' });
    expect(result.acked).not.toBe(handles);
    await expect(client.commit('T1', 'G', 'h3')).resolves.toMatchObject({ acked: ['h3'] });
    await expect(client.rollback('T1', 'G', 'h4')).resolves.toMatchObject({ acked: ['h4'] });
  });

  it('404 <Errors> on ack → failed items, the rest acked', async () => {
    server.next(
      reply(
        404,
        buildAckErrors([
          {
            code: 'ReceiptHandleError',
            message: 'The receipt handle you provide is not valid.',
            receiptHandle: 'h2',
          },
          { code: 'MessageNotExist', message: 'Message not exist.', receiptHandle: 'h4' },
        ]),
      ),
    );
    const result = await client.ack('T1', 'G', ['h1', 'h2', 'h3', 'h4']);
    expect(result.acked).toEqual(['h1', 'h3']);
    expect(result.failed).toEqual([
      {
        receiptHandle: 'h2',
        code: 'ReceiptHandleError',
        message: 'The receipt handle you provide is not valid.',
      },
      { receiptHandle: 'h4', code: 'MessageNotExist', message: 'Message not exist.' },
    ]);
    expect(result.requestId).toBe('REQ1');
  });

  it('404 <Errors> on commit → failed, nothing acked', async () => {
    server.next(
      reply(
        404,
        buildAckErrors([{ code: 'MessageNotExist', message: 'gone', receiptHandle: 'h' }]),
      ),
    );
    await expect(client.commit('T1', 'G', 'h')).resolves.toEqual({
      acked: [],
      failed: [{ receiptHandle: 'h', code: 'MessageNotExist', message: 'gone' }],
      requestId: 'REQ1',
    });
  });

  it('error XML → MQServiceError with code, status, requestId, hostId, retryable', async () => {
    server.next(
      reply(
        403,
        buildError({
          code: 'SignatureDoesNotMatch',
          message: 'The request signature we calculated does not match.',
          requestId: 'RID-403',
          hostId: 'http://1.mqrest.cn-hangzhou.aliyuncs.com',
        }),
      ),
      reply(
        500,
        buildError({
          code: 'InternalError',
          message: 'Interal error.',
          requestId: '',
          hostId: 'h',
        }),
        {
          'x-mq-request-id': 'HDR-500',
        },
      ),
      reply(
        404,
        buildError({ code: 'TopicNotExist', message: 'no topic', requestId: 'R', hostId: 'h' }),
      ),
    );
    const e1 = await rejection(client.publish('T1', { body: 'x' }));
    expect(e1).toBeInstanceOf(MQServiceError);
    expect(e1).toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
      requestId: 'RID-403',
      hostId: 'http://1.mqrest.cn-hangzhou.aliyuncs.com',
      retryable: false,
    });
    const e2 = await rejection(client.ack('T1', 'G', ['h']));
    expect(e2).toMatchObject({
      code: 'InternalError',
      status: 500,
      requestId: 'HDR-500',
      retryable: true,
    });
    const e3 = await rejection(client.consume('T1', 'G'));
    expect(e3).toMatchObject({ code: 'TopicNotExist', status: 404 });
  });

  it('non-XML body → MQProtocolError with status and snippet', async () => {
    server.next(
      reply(502, '<html><body>Bad Gateway</body></html>', { 'content-type': 'text/html' }),
    );
    const err = await rejection(client.publish('T1', { body: 'x' }));
    expect(err).toBeInstanceOf(MQProtocolError);
    expect(err).toMatchObject({ status: 502, retryable: true });
    expect((err as MQProtocolError).snippet).toContain('Bad Gateway');
  });

  it('garbled XML on success → MQProtocolError', async () => {
    server.next(
      reply(200, '<?xml version="1.0"?><Messages><Message><MessageId>x'),
      reply(201, 'plain text'),
    );
    const e1 = await rejection(client.consume('T1', 'G'));
    expect(e1).toBeInstanceOf(MQProtocolError);
    expect((e1 as MQProtocolError).status).toBe(200);
    expect((e1 as MQProtocolError).snippet).toContain('<Messages>');
    await expect(client.publish('T1', { body: 'x' })).rejects.toBeInstanceOf(MQProtocolError);
  });

  it('wrong root or unexpected status → MQProtocolError', async () => {
    server.next(
      reply(201, buildError({ code: 'X', message: 'm', requestId: 'r', hostId: 'h' })),
      reply(200, buildPublishResponse({ messageId: 'M', bodyMd5: bodyMd5('x') })),
      reply(302, '', { location: '/elsewhere' }),
      reply(404, buildAckErrors([{ code: 'X', message: 'm', receiptHandle: 'h' }])),
    );
    await expect(client.publish('T1', { body: 'x' })).rejects.toBeInstanceOf(MQProtocolError);
    await expect(client.publish('T1', { body: 'x' })).rejects.toMatchObject({ status: 200 });
    await expect(client.ack('T1', 'G', ['h'])).rejects.toMatchObject({ status: 302 });
    await expect(client.consume('T1', 'G')).rejects.toBeInstanceOf(MQProtocolError);
  });

  it('publish MD5 mismatch → MQProtocolError (and accepted when verifyMd5 is off)', async () => {
    const wrong = reply(201, buildPublishResponse({ messageId: 'M', bodyMd5: bodyMd5('other') }));
    server.next(wrong, wrong);
    const err = await rejection(client.publish('T1', { body: 'mine' }));
    expect(err).toBeInstanceOf(MQProtocolError);
    expect((err as Error).message).toMatch(/MessageBodyMD5/);
    const lax = new MQClient(server.endpoint, CREDS, { verifyMd5: false });
    await expect(lax.publish('T1', { body: 'mine' })).resolves.toMatchObject({ messageId: 'M' });
    await lax.close();
  });

  it('consume MD5 mismatch → MQProtocolError naming the message', async () => {
    server.next(
      reply(200, buildConsumeResponse([message({ messageId: 'BAD1', bodyMd5: bodyMd5('x') })])),
    );
    const err = await rejection(client.consume('T1', 'G'));
    expect(err).toBeInstanceOf(MQProtocolError);
    expect((err as Error).message).toContain('BAD1');
    const lax = new MQClient(server.endpoint, CREDS, { verifyMd5: false });
    server.next(
      reply(200, buildConsumeResponse([message({ messageId: 'BAD1', bodyMd5: bodyMd5('x') })])),
    );
    await expect(lax.consume('T1', 'G')).resolves.toMatchObject([{ messageId: 'BAD1' }]);
    await lax.close();
  });

  it('accepts a lower-case MessageBodyMD5 and XML without content-type', async () => {
    server.next((_req, res) => {
      res.writeHead(201, { 'x-mq-request-id': 'R' });
      res.end(buildPublishResponse({ messageId: 'M', bodyMd5: bodyMd5('q').toLowerCase() }));
    });
    await expect(client.publish('T1', { body: 'q' })).resolves.toMatchObject({ messageId: 'M' });
  });
});
