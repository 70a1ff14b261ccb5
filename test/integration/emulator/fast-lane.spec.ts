/**
 * The HTTP front's fast lane (lib/emulator/http/fast-lane*.ts): plain MQ requests are answered
 * straight on the socket; anything else hands the connection to node:http with the bytes already
 * read put back. Over real sockets against a real emulator: the lane answers byte for byte as
 * node:http does (same status line, same headers in the same order, same documents), pipelined
 * requests come back in order, a connection moves to node:http mid-life (admin request, a fault
 * rule armed, a request split across writes) without losing a byte, and a client that half-closes
 * during a long poll takes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { DEV_CREDENTIALS, startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { ResponseReader, signedRequestBytes } from './raw-http.helper.js';
import type { RawResponse } from './raw-http.helper.js';

const GROUP = 'GID_lane';

function publishXml(body: string, tag?: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><Message>' +
    `<MessageBody>${body}</MessageBody>${tag === undefined ? '' : `<MessageTag>${tag}</MessageTag>`}</Message>`
  );
}

describe('emulator HTTP fast lane', () => {
  let emulator: RunningEmulator;
  let host: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1', auth: 'strict' });
    host = new URL(emulator.endpoint).host;
  });
  afterAll(async () => {
    await emulator.stop();
  });

  function request(method: string, target: string, body?: string): Buffer {
    return signedRequestBytes(
      { method, target, body, ...DEV_CREDENTIALS, extraHeaders: { Connection: 'keep-alive' } },
      host,
    );
  }
  const publish = (topic: string, body: string, tag?: string): Buffer =>
    request('POST', `/topics/${topic}/messages`, publishXml(body, tag));
  const consume = (topic: string, wait = 0, n = 16): Buffer =>
    request(
      'GET',
      `/topics/${topic}/messages?consumer=${GROUP}&numOfMessages=${n}&waitseconds=${wait}`,
    );
  const ack = (topic: string, handles: string[]): Buffer =>
    request(
      'DELETE',
      `/topics/${topic}/messages?consumer=${GROUP}`,
      '<?xml version="1.0" encoding="UTF-8"?><ReceiptHandles>' +
        handles.map((h) => `<ReceiptHandle>${h}</ReceiptHandle>`).join('') +
        '</ReceiptHandles>',
    );

  interface Health {
    longPolls: number;
    httpRequests: { fastLane: number; nodeHttp: number };
  }
  async function health(): Promise<Health> {
    const res = await fetch(`${emulator.endpoint}/_emulator/health`);
    return (await res.json()) as Health;
  }
  const parkedPolls = async (): Promise<number> => (await health()).longPolls;

  /** Requests each way took while `run` ran (this function's own health reads excepted). */
  async function counted(
    run: () => Promise<unknown>,
  ): Promise<{ fastLane: number; nodeHttp: number }> {
    const before = (await health()).httpRequests;
    await run();
    const after = (await health()).httpRequests;
    // The second health read is counted before it answers.
    return {
      fastLane: after.fastLane - before.fastLane,
      nodeHttp: after.nodeHttp - before.nodeHttp - 1,
    };
  }

  async function open(): Promise<{ socket: Socket; reader: ResponseReader }> {
    const url = new URL(emulator.endpoint);
    const socket = connect(Number(url.port), url.hostname);
    // Small writes leave as they are written (the cut tests rely on it).
    socket.setNoDelay(true);
    const reader = new ResponseReader(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return { socket, reader };
  }

  /** What must be equal between two answers: all but the ids, times and Date of this very call. */
  function shape(res: RawResponse): unknown {
    const varying = /^(date|x-mq-request-id)$/i;
    return {
      status: res.status,
      headers: res.rawHeaders.map(([name, value]) => [name, varying.test(name) ? '*' : value]),
      body: res.body
        .replace(/<(MessageId|ReceiptHandle|RequestId)>[^<]*</g, '<$1>*<')
        .replace(/<(PublishTime|FirstConsumeTime|NextConsumeTime)>\d+</g, '<$1>*<')
        .replace(/content-length: \d+/, ''),
    };
  }

  /** The same conversation, answered by whichever side the connection is on. */
  async function conversation(topic: string, viaNodeHttp: boolean): Promise<unknown[]> {
    const { socket, reader } = await open();
    const shapes: unknown[] = [];
    if (viaNodeHttp) {
      // Not the lane's: the connection is node:http's from here on.
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      expect((await reader.next()).status).toBe(200);
    }
    const exchange = async (bytes: Buffer | string): Promise<RawResponse> => {
      socket.write(bytes);
      const res = await reader.next();
      shapes.push(shape(res));
      return res;
    };
    await exchange(publish(topic, 'héllo &lt;&amp;&gt; wörld', 'tagA'));
    const consumed = await exchange(consume(topic));
    const handle = /<ReceiptHandle>([^<]+)</.exec(consumed.body)?.[1];
    expect(handle).toBeDefined();
    await exchange(ack(topic, [handle as string]));
    await exchange(ack(topic, [handle as string])); // already acked: 404 with the failed handle
    await exchange(consume(topic)); // empty: MessageNotExist
    await exchange(consume(topic, 0, 99)); // bad numOfMessages: the error document
    await exchange(request('POST', `/topics/${topic}/messages`, '<Message></Message>'));
    const unsigned = request('GET', `/topics/${topic}/messages?consumer=${GROUP}`)
      .toString('latin1')
      .replace(/Authorization: MQ [^\r]*\r\n/, '');
    await exchange(unsigned); // MissingAuthorizationHeader
    socket.destroy();
    return shapes;
  }

  it('answers byte for byte as node:http does (ids and dates aside)', async () => {
    let fast: unknown[] = [];
    let viaNode: unknown[] = [];
    expect(await counted(async () => (fast = await conversation('lane_same_a', false)))).toEqual({
      fastLane: 8,
      nodeHttp: 0,
    });
    expect(await counted(async () => (viaNode = await conversation('lane_same_b', true)))).toEqual({
      fastLane: 0,
      nodeHttp: 9,
    });
    expect(fast).toHaveLength(8);
    expect(fast).toEqual(viaNode);
  });

  it.each([
    ['the fast lane', false],
    ['node:http', true],
  ])('answers pipelined requests in order, each once (%s)', async (_path, viaNodeHttp) => {
    const { socket, reader } = await open();
    if (viaNodeHttp) {
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      expect((await reader.next()).status).toBe(200);
    }
    const topic = viaNodeHttp ? 'lane_pipe_node' : 'lane_pipe';
    socket.write(
      Buffer.concat([
        publish(topic, 'one'),
        publish(topic, 'two'),
        publish(topic, 'three'),
        consume(topic),
      ]),
    );
    const answers = [await reader.next(), await reader.next(), await reader.next()];
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    const consumed = await reader.next();
    expect(viaNodeHttp ? [200, 404] : [200]).toContain(consumed.status);
    const bodies = [...consumed.body.matchAll(/<MessageBody>([^<]*)</g)].map((m) => m[1]);
    // The lane runs one request after the other; node:http starts a pipelined request while the
    // one before it still reads its body (its answers still go out in order).
    if (viaNodeHttp) expect(['one', 'two', 'three'].slice(0, bodies.length)).toEqual(bodies);
    else expect(bodies).toEqual(['one', 'two', 'three']);
    socket.destroy();
  });

  it('hands a connection to node:http mid-life without losing a byte (admin request, split request)', async () => {
    const { socket, reader } = await open();
    socket.write(publish('lane_mid', 'before'));
    expect((await reader.next()).status).toBe(201);
    // The admin API is node:http's: this connection moves there, its bytes intact.
    socket.write(`GET /_emulator/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const health = await reader.next();
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toMatch(/json/);
    socket.write(publish('lane_mid', 'after'));
    expect((await reader.next()).status).toBe(201);
    socket.destroy();

    // A request whose body has not arrived with its head: node:http reads the rest.
    const second = await open();
    const bytes = publish('lane_mid', 'split');
    const cut = bytes.indexOf('\r\n\r\n') + 10;
    second.socket.write(bytes.subarray(0, cut));
    await new Promise<void>((resolve) => setImmediate(resolve));
    second.socket.write(bytes.subarray(cut));
    expect((await second.reader.next()).status).toBe(201);
    second.socket.write(consume('lane_mid'));
    const consumed = await second.reader.next();
    expect([...consumed.body.matchAll(/<MessageBody>([^<]*)</g)].map((m) => m[1])).toEqual([
      'before',
      'after',
      'split',
    ]);
    second.socket.destroy();
  });

  it('requests cut anywhere by the network are all answered, in order (seeded cuts)', async () => {
    // A small LCG: the same cuts every run.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let run = 0; run < 5; run++) {
      const topic = `lane_cut_${run}`;
      const bodies = Array.from({ length: 12 }, (_, i) => `m${i}`);
      const stream = Buffer.concat(bodies.map((b) => publish(topic, b)));
      const { socket, reader } = await open();
      for (let at = 0; at < stream.length;) {
        const size = 1 + random(600);
        socket.write(stream.subarray(at, at + size));
        at += size;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      for (const _ of bodies) expect((await reader.next()).status).toBe(201);
      socket.write(consume(topic));
      const consumed = await reader.next();
      expect([...consumed.body.matchAll(/<MessageBody>([^<]*)</g)].map((m) => m[1])).toEqual(
        bodies,
      );
      socket.destroy();
    }
  });

  it('a request sent byte by byte behind a parked long poll is served once the poll answers', async () => {
    const { socket, reader } = await open();
    socket.write(consume('lane_ahead_poll', 20, 1));
    while ((await parkedPolls()) === 0);
    const behind = publish('lane_ahead_next', 'behind');
    for (let at = 0; at < behind.length; at++) {
      socket.write(behind.subarray(at, at + 1));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const other = await open();
    other.socket.write(publish('lane_ahead_poll', 'wakes'));
    expect((await other.reader.next()).status).toBe(201);
    const polled = await reader.next();
    expect(polled.status).toBe(200);
    expect(polled.body).toContain('<MessageBody>wakes</MessageBody>');
    expect((await reader.next()).status).toBe(201);
    other.socket.write(consume('lane_ahead_next'));
    expect((await other.reader.next()).body).toContain('<MessageBody>behind</MessageBody>');
    socket.destroy();
    other.socket.destroy();
  });

  it('a fault rule armed while a connection is open applies to its next request', async () => {
    const { socket, reader } = await open();
    socket.write(publish('lane_fault', 'plain'));
    expect((await reader.next()).status).toBe(201);
    const id = emulator.faults.add({
      match: { front: 'http', operation: 'publish', topic: 'lane_fault' },
      action: { kind: 'error', code: 'ThrottledError', status: 503 },
    });
    socket.write(publish('lane_fault', 'faulted'));
    const faulted = await reader.next();
    expect(faulted.status).toBe(503);
    expect(faulted.body).toContain('<Code>ThrottledError</Code>');
    emulator.faults.remove(id);
    socket.write(publish('lane_fault', 'plain again'));
    expect((await reader.next()).status).toBe(201);
    socket.destroy();
  });

  it('a client that half-closes during a long poll takes nothing', async () => {
    const { socket, reader } = await open();
    socket.write(consume('lane_half', 20, 1));
    // The poll is parked once the broker counts it.
    while ((await parkedPolls()) === 0);
    socket.end();
    await expect(reader.next()).rejects.toThrow(/connection ended/);
    while ((await parkedPolls()) !== 0);
    const other = await open();
    other.socket.write(publish('lane_half', 'kept'));
    expect((await other.reader.next()).status).toBe(201);
    other.socket.write(consume('lane_half'));
    const consumed = await other.reader.next();
    expect(consumed.status).toBe(200);
    expect(consumed.body).toContain('<MessageBody>kept</MessageBody>');
    expect(consumed.body).toContain('<ConsumedTimes>1</ConsumedTimes>');
    other.socket.destroy();
  });
});
