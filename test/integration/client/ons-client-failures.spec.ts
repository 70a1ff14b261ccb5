/**
 * OnsHttpClient against scripted peers: the request it sends, whole-call deadlines (a peer that
 * trickles its answer), aborts, network failures, answers it cannot understand, and secrets never
 * appearing in errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import {
  MQAbortError,
  MQInvalidArgumentError,
  MQNetworkError,
  MQProtocolError,
  MQServiceError,
  MQTimeoutError,
  OnsHttpClient,
} from '../../../lib/client/index.js';
import { ScriptedServer, hang, reply, resetConnection } from './scripted-server.js';
import type { RecordedRequest } from './scripted-server.js';

const SECRET = 'Sup3r-Secret-Value-do-not-leak';
const CREDS = { accessKeyId: 'AKID', accessKeySecret: SECRET };
const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8' };

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

function assertNoSecrets(err: Error): void {
  for (const text of [err.message, String(err.stack), JSON.stringify(err), String(err)]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/signature:/i);
  }
}

/** The samples' calSignature, independent of lib/. */
const calSignature = (s: string): string =>
  createHmac('sha1', SECRET).update(s, 'utf8').digest('base64');

function query(req: RecordedRequest): URLSearchParams {
  return new URL(req.url, 'http://x').searchParams;
}

describe('OnsHttpClient on the wire', () => {
  let server: ScriptedServer;
  let client: OnsHttpClient;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    client = new OnsHttpClient(server.endpoint, CREDS, { requestTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('sends the samples\u2019 publish: headers, query and signature over md5hex(body)', async () => {
    server.next(reply(201, '{"msgId":"M1","sendStatus":"SEND_OK"}', JSON_HEADERS));
    const result = await client.publish('TP_wire', 'PID_wire', {
      body: '中文',
      tag: 'a b&c',
      key: 'k=1',
      shardingKey: 'order-7',
      deliverAt: 1_900_000_000_000,
    });
    expect(result).toEqual({ messageId: 'M1', sendStatus: 'SEND_OK' });
    const req = await server.received(1);
    expect(req.method).toBe('POST');
    expect(req.url).toMatch(
      /^\/message\/\?topic=TP_wire&time=\d{13}&tag=a%20b%26c&key=k%3D1&startdelivertime=1900000000000$/,
    );
    expect(req.body).toBe('中文');
    const q = query(req);
    const md5 = createHash('md5').update('中文', 'utf8').digest('hex');
    expect(req.headers).toMatchObject({
      accesskey: 'AKID',
      producerid: 'PID_wire',
      shardingkey: 'order-7',
      isorder: 'true',
      signature: calSignature(`TP_wire\nPID_wire\n${md5}\n${q.get('time')}`),
    });
    expect(Math.abs(Number(q.get('time')) - Date.now())).toBeLessThan(60_000);
  });

  it('sends consume and delete; a handle with + / = is encoded in the query and signed raw', async () => {
    const handle = 'X1BFTkRJTkdNU0df+ab/c==';
    server.next(
      reply(
        200,
        `[{"body":"HelloMQ","bornTime":"1418973464204","msgHandle":"${handle}","msgId":"0A021F73","reconsumeTimes":1,"key":"http","tag":"http"}]`,
        JSON_HEADERS,
      ),
      reply(204),
    );
    const [m] = await client.consume('TP_wire', 'CID_wire', { num: 7 });
    expect(m).toEqual({
      messageId: '0A021F73',
      msgHandle: handle,
      body: 'HelloMQ',
      bornTime: 1418973464204,
      reconsumeTimes: 1,
      tag: 'http',
      key: 'http',
    });
    await client.delete('TP_wire', 'CID_wire', m!.msgHandle);
    const [get, del] = [await server.received(1), await server.received(2)];
    expect(get.url).toMatch(/^\/message\/\?topic=TP_wire&time=\d{13}&num=7$/);
    expect(get.headers.signature).toBe(
      calSignature(`TP_wire\nCID_wire\n${query(get).get('time')}`),
    );
    expect(get.headers.consumerid).toBe('CID_wire');
    expect(del.method).toBe('DELETE');
    expect(del.url).toMatch(
      /^\/message\/\?msgHandle=X1BFTkRJTkdNU0df%2Bab%2Fc%3D%3D&topic=TP_wire&time=\d{13}$/,
    );
    expect(query(del).get('msgHandle')).toBe(handle);
    expect(del.headers.signature).toBe(
      calSignature(`TP_wire\nCID_wire\n${handle}\n${query(del).get('time')}`),
    );
  });

  it.each([
    [
      '403 without a body',
      reply(403),
      MQServiceError,
      { code: 'Forbidden', status: 403, retryable: false },
    ],
    ['408 without a body', reply(408), MQServiceError, { code: 'RequestTimeout', retryable: true }],
    [
      '400 BODY_TOO_BIG',
      reply(
        400,
        '{"code":"BODY_TOO_BIG","info":"Message body size exceeds the upper limit of 64KB"}',
        JSON_HEADERS,
      ),
      MQServiceError,
      { code: 'BODY_TOO_BIG', status: 400, retryable: false },
    ],
    [
      'an unknown code on 503',
      reply(503, '{"code":"BUSY","info":"later"}'),
      MQServiceError,
      { code: 'BUSY', retryable: true },
    ],
    [
      'a 502 HTML page',
      reply(502, '<html>bad gateway</html>'),
      MQProtocolError,
      { status: 502, retryable: true },
    ],
    [
      '200 that is not JSON',
      reply(200, 'not json'),
      MQProtocolError,
      { status: 200, retryable: false },
    ],
    ['200 with a broken message', reply(200, '[{"body":"b"}]'), MQProtocolError, { status: 200 }],
  ])('maps %s', async (_name, responder, type, fields) => {
    server.next(responder);
    const err = await rejection(client.consume('TP_wire', 'CID_wire'));
    expect(err).toBeInstanceOf(type);
    expect(err).toMatchObject(fields);
    expect(err.message).toContain('consume from topic TP_wire');
    assertNoSecrets(err);
  });

  it('accepts an empty consume body as no message, and 200 for publish', async () => {
    server.next(reply(200, ''), reply(200, '{"msgId":"M2","sendStatus":"FLUSH_DISK_TIMEOUT"}'));
    expect(await client.consume('TP_wire', 'CID_wire')).toEqual([]);
    expect(await client.publish('TP_wire', 'PID_wire', { body: 'x' })).toEqual({
      messageId: 'M2',
      sendStatus: 'FLUSH_DISK_TIMEOUT',
    });
  });

  it('a peer that never answers: MQTimeoutError at the call\u2019s deadline', async () => {
    server.next(hang);
    const err = await rejection(client.consume('TP_wire', 'CID_wire', { timeoutMs: 150 }));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect((err as MQTimeoutError).retryable).toBe(true);
    expect(err.message).toContain('150 ms');
  });

  it('a reset connection: retryable MQNetworkError', async () => {
    server.next(resetConnection, resetConnection);
    const err = await rejection(client.publish('TP_wire', 'PID_wire', { body: 'x' }));
    expect(err).toBeInstanceOf(MQNetworkError);
    expect(err).not.toBeInstanceOf(MQTimeoutError);
    assertNoSecrets(err);
  });

  it('aborts with the caller\u2019s signal, before and during the call', async () => {
    const pre = new AbortController();
    pre.abort();
    const before = await rejection(client.consume('TP_wire', 'CID_wire', { signal: pre.signal }));
    expect(before).toBeInstanceOf(MQAbortError);
    expect(server.requests).toHaveLength(0);

    server.next(hang);
    const during = new AbortController();
    const pending = client.delete('TP_wire', 'CID_wire', 'h', { signal: during.signal });
    const req = await server.received(1);
    during.abort();
    const err = await rejection(pending);
    expect(err).toBeInstanceOf(MQAbortError);
    expect(err).toMatchObject({ name: 'AbortError', retryable: false });
    await req.socketClosed; // the exchange was torn down
  });

  it('validates every argument before sending anything', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [() => client.publish('', 'P', { body: 'x' }), 'topic'],
      [() => client.publish('T/x', 'P', { body: 'x' }), 'topic'],
      [() => client.publish('T', '', { body: 'x' }), 'producerId'],
      [() => client.publish('T', 'P id', { body: 'x' }), 'producerId'],
      [() => client.publish('T', 'P', { body: '' }), 'body'],
      [() => client.publish('T', 'P', { body: 'a\ud800' }), 'body'],
      [() => client.publish('T', 'P', { body: 'x', tag: 't'.repeat(129) }), 'tag'],
      [() => client.publish('T', 'P', { body: 'x', key: 'k'.repeat(129) }), 'key'],
      [() => client.publish('T', 'P', { body: 'x', deliverAt: Number.NaN }), 'deliverAt'],
      [() => client.publish('T', 'P', { body: 'x', shardingKey: 'é' }), 'shardingKey'],
      [() => client.consume('T', 'C', { num: 33 }), 'num'],
      [() => client.consume('T', 'C', { num: 0 }), 'num'],
      [() => client.consume('T', 'C', { timeoutMs: -1 }), 'options.timeoutMs'],
      [() => client.delete('T', 'C', ''), 'msgHandle'],
      [() => client.delete('T', '', 'h'), 'consumerId'],
    ];
    for (const [call, argument] of cases) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(MQInvalidArgumentError);
      expect((err as MQInvalidArgumentError).argument).toBe(argument);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('refuses bad construction arguments, naming them and never echoing the secret', () => {
    const argumentOf = (make: () => unknown): string => {
      try {
        make();
      } catch (err) {
        assertNoSecrets(err as Error);
        return (err as MQInvalidArgumentError).argument;
      }
      throw new Error('expected a throw');
    };
    expect(argumentOf(() => new OnsHttpClient('ftp://h', CREDS))).toBe('endpoint');
    expect(argumentOf(() => new OnsHttpClient('http://h/message', CREDS))).toBe('endpoint');
    expect(
      argumentOf(() => new OnsHttpClient('http://h', { accessKeyId: 'a', accessKeySecret: '' })),
    ).toBe('credentials.accessKeySecret');
    expect(
      argumentOf(() => new OnsHttpClient('http://h', { ...CREDS, securityToken: 'sts' })),
    ).toBe('credentials.securityToken');
    expect(argumentOf(() => new OnsHttpClient('http://h', CREDS, { connections: 0 }))).toBe(
      'options.connections',
    );
    expect(argumentOf(() => new OnsHttpClient('http://h', CREDS, { requestTimeoutMs: 1.5 }))).toBe(
      'options.requestTimeoutMs',
    );
  });
});

describe('OnsHttpClient deadline against a trickling peer', () => {
  let server: Server;
  let endpoint: string;
  const sockets = new Set<Socket>();
  let bytesSent = 0;
  let answered = false;

  beforeAll(async () => {
    // Answers headers for a 100-byte body, then one byte every 500 ms: undici's per-chunk body
    // timeout never fires, only a whole-call deadline can end the call.
    server = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[',
        );
        bytesSent = 1;
        const timer = setInterval(() => {
          if (bytesSent >= 100) {
            clearInterval(timer);
            answered = true;
            return;
          }
          socket.write(' ');
          bytesSent++;
        }, 500);
        socket.on('close', () => clearInterval(timer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('ends the call at its deadline with MQTimeoutError and drops the connection', async () => {
    const client = new OnsHttpClient(endpoint, CREDS, { requestTimeoutMs: 1_200 });
    try {
      const err = await rejection(client.consume('TP_slow', 'CID_slow'));
      expect(err).toBeInstanceOf(MQTimeoutError);
      expect(err.message).toBe('consume from topic TP_slow: no complete answer within 1200 ms');
      // The peer was still trickling: the deadline, not the end of the answer, ended the call.
      expect(answered).toBe(false);
      expect(bytesSent).toBeLessThan(100);
      const [socket] = sockets;
      if (!socket!.destroyed) await new Promise((resolve) => socket!.once('close', resolve));
    } finally {
      await client.close();
    }
  });
});
