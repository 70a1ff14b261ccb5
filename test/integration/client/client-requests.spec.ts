/** What the client puts on the wire: paths, query order, headers, bodies, signatures, credentials. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { MQClient } from '../../../lib/client/index.js';
import type { MQCredentials } from '../../../lib/client/index.js';
import { CLIENT_VERSION } from '../../../lib/client/client.version.js';
import {
  buildError,
  buildPublishResponse,
  bodyMd5,
  parsePublishRequest,
  parseReceiptHandles,
} from '../../../lib/protocol/index.js';
import { ScriptedServer, reply, signatureVerifies } from './scripted-server.js';

const CREDS: MQCredentials = { accessKeyId: 'AKID', accessKeySecret: 'sekret-Value-123' };

const published = (body: string) =>
  reply(
    201,
    buildPublishResponse({ messageId: '0A1B2C3D00002A9F4E8B1C7D00000001', bodyMd5: bodyMd5(body) }),
  );
const noMessage = reply(
  404,
  buildError({
    code: 'MessageNotExist',
    message: 'Message not exist.',
    requestId: 'R',
    hostId: 'http://h',
  }),
);

describe('MQClient request shape', () => {
  let server: ScriptedServer;
  let client: MQClient;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    client = new MQClient(server.endpoint + '/', CREDS);
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('publish: POST /topics/{topic}/messages, signed headers, content-md5, XML body', async () => {
    server.next(published('hello & <world>'));
    await client.publish('T1', {
      body: 'hello & <world>',
      tag: 'TagA',
      key: 'order-42',
      properties: { color: 'red' },
    });
    const req = await server.received(1);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/topics/T1/messages');
    expect(req.headers['x-mq-version']).toBe('2015-06-06');
    expect(req.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(req.headers['user-agent']).toBe(`nestjs-aliyun-mq/${CLIENT_VERSION}`);
    expect(req.headers.date).toMatch(
      /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    );
    expect(Math.abs(Date.parse(String(req.headers.date)) - Date.now())).toBeLessThan(60_000);
    expect(req.headers['security-token']).toBeUndefined();
    const hex = createHash('md5').update(req.body, 'utf8').digest('hex');
    expect(req.headers['content-md5']).toBe(Buffer.from(hex).toString('base64'));
    expect(req.headers.authorization).toMatch(/^MQ AKID:/);
    expect(signatureVerifies(req, CREDS.accessKeySecret)).toBe(true);
    expect(signatureVerifies(req, 'wrong-secret')).toBe(false);
    const doc = parsePublishRequest(req.body);
    expect(doc.body).toBe('hello & <world>');
    expect(doc.tag).toBe('TagA');
    expect(doc.properties).toBe('KEYS:order-42|color:red|');
  });

  it('publish: timer, transactional and sharding properties', async () => {
    server.next(published('x'), published('y'), published('z'));
    const soon = Date.now() + 60_000;
    await client.publish('T1', { body: 'x', deliverAt: new Date(soon), shardingKey: 'user-1' });
    await client.publish('T1', { body: 'y', transCheckImmunitySeconds: 10 });
    const before = Date.now();
    await client.publish('T1', { body: 'z', delayMs: 5_000 });
    const [r1, r2, r3] = server.requests;
    expect(parsePublishRequest(r1!.body).properties).toBe(
      `__STARTDELIVERTIME:${soon}|__SHARDINGKEY:user-1|`,
    );
    expect(parsePublishRequest(r2!.body).properties).toBe('__TransCheckT:10|');
    const delayed = /^__STARTDELIVERTIME:(\d+)\|$/.exec(parsePublishRequest(r3!.body).properties!);
    expect(Number(delayed![1])).toBeGreaterThanOrEqual(before + 5_000);
  });

  it('publish: timer times count from the clock option; the Date header stays real time', async () => {
    const virtualNow = Date.UTC(2030, 0, 1);
    const timed = new MQClient(server.endpoint, CREDS, { clock: () => virtualNow });
    try {
      server.next(published('a'), published('b'));
      await timed.publish('T1', { body: 'a', delayMs: 60_000 });
      // 30 days ahead of the clock, more than 40 days ahead of the machine: accepted.
      await timed.publish('T1', { body: 'b', deliverAt: virtualNow + 30 * 86_400_000 });
      const [r1, r2] = server.requests;
      expect(parsePublishRequest(r1!.body).properties).toBe(
        `__STARTDELIVERTIME:${virtualNow + 60_000}|`,
      );
      expect(parsePublishRequest(r2!.body).properties).toBe(
        `__STARTDELIVERTIME:${virtualNow + 30 * 86_400_000}|`,
      );
      expect(Math.abs(Date.parse(String(r1!.headers.date)) - Date.now())).toBeLessThan(60_000);
    } finally {
      await timed.close();
    }
  });

  it('publish with Uint8Array UTF-8 body sends the decoded text', async () => {
    server.next(published('你好'));
    await client.publish('T1', { body: new TextEncoder().encode('你好') });
    expect(parsePublishRequest((await server.received(1)).body).body).toBe('你好');
  });

  it('consume: GET with the Node SDK query order, tag encoded, no content-md5', async () => {
    server.next(noMessage);
    await client.consume('T1', 'GID_1', {
      tag: ['TagA', 'TagB'],
      numOfMessages: 3,
      waitSeconds: 1,
      instanceId: 'MQ_INST_1_abc',
    });
    const req = await server.received(1);
    expect(req.method).toBe('GET');
    expect(req.url).toBe(
      '/topics/T1/messages?consumer=GID_1&ns=MQ_INST_1_abc&tag=TagA%7C%7CTagB&numOfMessages=3&waitseconds=1',
    );
    expect(req.headers['content-md5']).toBeUndefined();
    expect(req.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(req.body).toBe('');
    expect(signatureVerifies(req, CREDS.accessKeySecret)).toBe(true);
  });

  it('consume defaults: numOfMessages 16, short poll; orderly and half variants', async () => {
    server.next(noMessage, noMessage, noMessage);
    await client.consume('T1', 'GID_1');
    await client.consumeOrderly('T1', 'GID_1', { waitSeconds: 1, tag: 'A B' });
    await client.consumeHalf('T1', 'GID_P', { numOfMessages: 1 });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/topics/T1/messages?consumer=GID_1&numOfMessages=16',
      '/topics/T1/messages?consumer=GID_1&tag=A%20B&numOfMessages=16&waitseconds=1&trans=order',
      '/topics/T1/messages?consumer=GID_P&trans=pop&numOfMessages=1',
    ]);
    for (const r of server.requests) expect(signatureVerifies(r, CREDS.accessKeySecret)).toBe(true);
  });

  it('ack / commit / rollback: DELETE with a <ReceiptHandles> body', async () => {
    server.next(reply(204), reply(204), reply(204));
    await client.ack('T1', 'GID_1', ['h1', 'h2']);
    await client.commit('T1', 'GID_P', 'h3');
    await client.rollback('T1', 'GID_P', 'h4', { instanceId: 'NS1' });
    const [ack, commit, rollback] = server.requests;
    expect(ack!.method).toBe('DELETE');
    expect(ack!.url).toBe('/topics/T1/messages?consumer=GID_1');
    expect(parseReceiptHandles(ack!.body)).toEqual(['h1', 'h2']);
    expect(commit!.url).toBe('/topics/T1/messages?consumer=GID_P&trans=commit');
    expect(parseReceiptHandles(commit!.body)).toEqual(['h3']);
    expect(rollback!.url).toBe('/topics/T1/messages?consumer=GID_P&ns=NS1&trans=rollback');
    for (const r of server.requests) {
      const hex = createHash('md5').update(r.body, 'utf8').digest('hex');
      expect(r.headers['content-md5']).toBe(Buffer.from(hex).toString('base64'));
      expect(signatureVerifies(r, CREDS.accessKeySecret)).toBe(true);
    }
  });

  it('ns: per client, overridden per call, omitted when empty', async () => {
    const nsClient = new MQClient(server.endpoint, CREDS, { instanceId: 'MQ_INST_9' });
    server.next(published('a'), published('b'), published('c'), noMessage);
    await nsClient.publish('T1', { body: 'a' });
    await nsClient.publish('T1', { body: 'b' }, { instanceId: 'OTHER' });
    await nsClient.publish('T1', { body: 'c' }, { instanceId: '' });
    await nsClient.consume('T1', 'G');
    await nsClient.close();
    expect(server.requests.map((r) => r.url)).toEqual([
      '/topics/T1/messages?ns=MQ_INST_9',
      '/topics/T1/messages?ns=OTHER',
      '/topics/T1/messages',
      '/topics/T1/messages?consumer=G&ns=MQ_INST_9&numOfMessages=16',
    ]);
  });

  it('sends security-token (unsigned) for STS credentials', async () => {
    const sts = new MQClient(server.endpoint, { ...CREDS, securityToken: 'STS.token-1' });
    server.next(published('z'));
    await sts.publish('T1', { body: 'z' });
    await sts.close();
    const req = await server.received(1);
    expect(req.headers['security-token']).toBe('STS.token-1');
    expect(signatureVerifies(req, CREDS.accessKeySecret)).toBe(true);
  });

  it('calls a credentials provider per request (sync and async), so rotation works', async () => {
    let n = 0;
    const rotating = new MQClient(server.endpoint, () => {
      n++;
      const c = { accessKeyId: `AK${n}`, accessKeySecret: `SK${n}`, securityToken: `T${n}` };
      return n % 2 === 0 ? Promise.resolve(c) : c;
    });
    server.next(published('1'), published('2'), reply(204));
    await rotating.publish('T1', { body: '1' });
    await rotating.publish('T1', { body: '2' });
    await rotating.ack('T1', 'G', ['h']);
    await rotating.close();
    expect(n).toBe(3);
    server.requests.forEach((r, i) => {
      expect(r.headers.authorization).toMatch(new RegExp(`^MQ AK${i + 1}:`));
      expect(r.headers['security-token']).toBe(`T${i + 1}`);
      expect(signatureVerifies(r, `SK${i + 1}`)).toBe(true);
    });
  });

  it('signs with the current secret when a provider repeats, changes and restores it', async () => {
    // The client keeps one HMAC key per secret it last saw: a stale key would sign with the old one.
    const secrets = ['SK-A', 'SK-A', 'SK-B', 'SK-A'];
    let n = 0;
    const rotating = new MQClient(server.endpoint, () => ({
      accessKeyId: 'AK',
      accessKeySecret: secrets[n++] as string,
    }));
    const other = new MQClient(server.endpoint, { accessKeyId: 'AK', accessKeySecret: 'SK-C' });
    server.next(published('1'), published('2'), published('3'), published('4'), published('5'));
    for (const body of ['1', '2', '3']) await rotating.publish('T1', { body });
    await other.publish('T1', { body: '4' });
    await rotating.publish('T1', { body: '5' });
    await Promise.all([rotating.close(), other.close()]);
    const expected = ['SK-A', 'SK-A', 'SK-B', 'SK-C', 'SK-A'];
    expect(server.requests).toHaveLength(5);
    server.requests.forEach((r, i) => {
      expect(signatureVerifies(r, expected[i] as string)).toBe(true);
      expect(signatureVerifies(r, expected[i] === 'SK-A' ? 'SK-B' : 'SK-A')).toBe(false);
    });
  });

  it('appends options.userAgent', async () => {
    const ua = new MQClient(server.endpoint, CREDS, { userAgent: 'orders/2.0' });
    server.next(noMessage);
    await ua.consume('T1', 'G');
    await ua.close();
    expect((await server.received(1)).headers['user-agent']).toBe(
      `nestjs-aliyun-mq/${CLIENT_VERSION} orders/2.0`,
    );
  });

  it('reuses kept-alive sockets, also for DELETE with a body', async () => {
    const n = 8;
    for (let i = 0; i < n; i++) server.next(reply(204));
    for (let i = 0; i < n; i++) await client.ack('T1', 'G', [`h${i}`]);
    const ports = new Set(server.requests.map((r) => r.remotePort));
    // undici waits one event-loop turn before reusing a socket, so a back-to-back call may open
    // a second one; without keep-alive every ack would open its own.
    expect(ports.size).toBeLessThanOrEqual(2);
  });
});
