/** Network failures, aborts, timeouts, close(), and secrets never leaking into errors. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  MQAbortError,
  MQClient,
  MQInvalidArgumentError,
  MQNetworkError,
  MQProtocolError,
  MQServiceError,
  MQTimeoutError,
} from '../../../lib/client/index.js';
import { buildError } from '../../../lib/protocol/index.js';
import { ScriptedServer, hang, reply, resetConnection } from './scripted-server.js';

const SECRET = 'Sup3r-Secret-Value-do-not-leak';
const CREDS = { accessKeyId: 'AKID', accessKeySecret: SECRET, securityToken: 'STS-TOKEN-SECRET' };

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

function assertNoSecrets(err: Error): void {
  const texts = [err.message, String(err.stack), JSON.stringify(err), String(err)];
  for (const text of texts) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('STS-TOKEN-SECRET');
    expect(text).not.toMatch(/MQ AKID:/);
    expect(text.toLowerCase()).not.toContain('authorization');
  }
}

describe('MQClient failures', () => {
  let server: ScriptedServer;
  let client: MQClient;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    // Generous deadlines, so that calls meant to succeed do on a loaded machine; the timeout cases
    // shorten theirs with a per-call timeoutMs.
    client = new MQClient(server.endpoint, CREDS, {
      requestTimeoutMs: 5_000,
      longPollMarginMs: 5_000,
    });
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('connection reset by the server → retryable MQNetworkError', async () => {
    server.next(resetConnection, resetConnection);
    const err = await rejection(client.publish('T1', { body: 'x' }));
    expect(err).toBeInstanceOf(MQNetworkError);
    expect(err).not.toBeInstanceOf(MQTimeoutError);
    expect((err as MQNetworkError).retryable).toBe(true);
    expect(err.message).toContain('publish to topic T1');
    assertNoSecrets(err);
    await expect(client.consume('T1', 'G')).rejects.toBeInstanceOf(MQNetworkError);
  });

  it('connection refused → MQNetworkError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dead = new MQClient(`http://127.0.0.1:${port}`, CREDS);
    const err = await rejection(dead.ack('T1', 'G', ['h']));
    expect(err).toBeInstanceOf(MQNetworkError);
    expect(err.message).toMatch(/ECONNREFUSED/);
    assertNoSecrets(err);
    await dead.close();
  });

  it('signal aborted mid long poll → MQAbortError and the server sees the socket close', async () => {
    server.next(hang);
    const controller = new AbortController();
    const pending = client.consume('T1', 'G', { waitSeconds: 30, signal: controller.signal });
    const req = await server.received(1);
    controller.abort(new Error('shutdown'));
    const err = await rejection(pending);
    expect(err).toBeInstanceOf(MQAbortError);
    expect(err.name).toBe('AbortError');
    expect((err as MQAbortError).retryable).toBe(false);
    await req.socketClosed;
  });

  it('pre-aborted signal → MQAbortError and nothing is sent', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      client.publish('T1', { body: 'x' }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(MQAbortError);
    await expect(client.consume('T1', 'G', { signal: controller.signal })).rejects.toBeInstanceOf(
      MQAbortError,
    );
    await expect(
      client.ack('T1', 'G', ['h'], { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(MQAbortError);
    expect(server.requests).toHaveLength(0);
  });

  it('a signal that never fires leaves no listener behind', async () => {
    server.next(reply(204), reply(500, 'oops'));
    const controller = new AbortController();
    const pending = client.ack('T1', 'G', ['h'], { signal: controller.signal });
    await server.received(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await pending;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(
      client.ack('T1', 'G', ['h'], { signal: controller.signal }),
    ).rejects.toBeInstanceOf(MQProtocolError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Aborting afterwards must not throw or reject anything.
    controller.abort();
    expect(server.requests).toHaveLength(2);
  });

  it('aborting a call still queued for a socket rejects at once and never sends it', async () => {
    const narrow = new MQClient(server.endpoint, CREDS, { pollConnections: 1 });
    server.next(hang);
    const first = new AbortController();
    const busy = narrow.consume('T1', 'G', { waitSeconds: 30, signal: first.signal });
    await server.received(1);
    const second = new AbortController();
    const queued = narrow.consume('T1', 'G', { waitSeconds: 30, signal: second.signal });
    second.abort();
    await expect(queued).rejects.toBeInstanceOf(MQAbortError);
    first.abort();
    await expect(busy).rejects.toBeInstanceOf(MQAbortError);
    await narrow.close();
    expect(server.requests).toHaveLength(1);
  });

  it('server never answers a normal call → MQTimeoutError (a MQNetworkError)', async () => {
    server.next(hang);
    const err = await rejection(client.publish('T1', { body: 'x' }, { timeoutMs: 200 }));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(err).toBeInstanceOf(MQNetworkError);
    expect((err as MQTimeoutError).retryable).toBe(true);
    expect(err.message).toContain('200 ms');
    assertNoSecrets(err);
  });

  it('server never answers a short poll → MQTimeoutError at its deadline', async () => {
    server.next(hang);
    const err = await rejection(client.consume('T1', 'G', { waitSeconds: 0, timeoutMs: 200 }));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(err.message).toContain('200 ms');
  });

  it('headers sent but body stalls → MQTimeoutError', async () => {
    server.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml;charset=utf-8', 'content-length': '1000' });
      res.write('<?xml version="1.0"?><Messages>');
    });
    await expect(client.consume('T1', 'G', { timeoutMs: 200 })).rejects.toBeInstanceOf(
      MQTimeoutError,
    );
  });

  it('errors never contain the secret, the token or the Authorization header', async () => {
    server.next(
      // A hostile server echoing request headers into its error body still cannot leak them
      // through the parts of the error we build (message); the snippet is the server's own text.
      reply(
        400,
        buildError({ code: 'InvalidArgument', message: 'bad', requestId: 'R', hostId: 'h' }),
      ),
      reply(500, 'not xml at all'),
    );
    const e1 = await rejection(client.publish('T1', { body: 'x' }));
    expect(e1).toBeInstanceOf(MQServiceError);
    assertNoSecrets(e1);
    const e2 = await rejection(client.consume('T1', 'G'));
    expect(e2).toBeInstanceOf(MQProtocolError);
    assertNoSecrets(e2);
    const e3 = await rejection(client.consume('T1', 'G', { numOfMessages: 0 }));
    assertNoSecrets(e3);
    const e4 = await rejection(Promise.resolve().then(() => new MQClient('ftp://x', CREDS)));
    assertNoSecrets(e4);
  });

  it('close() cuts a pending poll with MQAbortError; later calls reject', async () => {
    const own = new MQClient(server.endpoint, CREDS);
    server.next(hang);
    const pending = own.consume('T1', 'G', { waitSeconds: 30 });
    const req = await server.received(1);
    await own.close();
    await expect(pending).rejects.toBeInstanceOf(MQAbortError);
    await req.socketClosed;
    const err = await rejection(own.publish('T1', { body: 'x' }));
    expect(err).toBeInstanceOf(MQInvalidArgumentError);
    expect((err as MQInvalidArgumentError).argument).toBe('client');
    expect(err.message).toMatch(/closed/);
    await expect(own.consume('T1', 'G')).rejects.toBeInstanceOf(MQInvalidArgumentError);
    await expect(own.close()).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('close() lets an in-flight publish finish', async () => {
    const own = new MQClient(server.endpoint, CREDS);
    let release: () => void = () => undefined;
    server.next((_req, res) => {
      release = () => res.writeHead(204).end();
    });
    const pending = own.ack('T1', 'G', ['h']);
    await server.received(1);
    const closed = own.close();
    release();
    await expect(pending).resolves.toMatchObject({ acked: ['h'] });
    await closed;
  });
});
