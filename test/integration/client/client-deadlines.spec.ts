/**
 * Whole-call deadlines: every call settles whatever the peer does (headers then a byte now and
 * then, a stall, a credentials provider that never answers), and close() is bounded with calls in
 * flight. (An abort of a consume whose answer is arriving: test/unit/client/http-transport.spec.ts.)
 * No timing assertions: each case only checks that the call settles, and how.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  MQAbortError,
  MQClient,
  MQInvalidArgumentError,
  MQTimeoutError,
} from '../../../lib/client/index.js';
import { ScriptedServer, hang, trickle } from './scripted-server.js';

const CREDS = { accessKeyId: 'AKID', accessKeySecret: 'secret' };
/** Far below the per-gap timeouts (200 ms): only the whole-call deadline can end a trickle. */
const TRICKLE_MS = 20;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('MQClient deadlines', () => {
  let server: ScriptedServer;
  let client: MQClient;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    client = new MQClient(server.endpoint, CREDS, { requestTimeoutMs: 200, longPollMarginMs: 200 });
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('a trickling answer to publish, ack, commit and rollback ends at the deadline', async () => {
    server.next(
      trickle(TRICKLE_MS, 201),
      trickle(TRICKLE_MS, 204),
      trickle(TRICKLE_MS, 204),
      trickle(TRICKLE_MS, 204),
    );
    const calls = [
      client.publish('T1', { body: 'x' }),
      client.ack('T1', 'G', ['h']),
      client.commit('T1', 'G', 'h'),
      client.rollback('T1', 'G', 'h'),
    ];
    for (const call of calls) {
      const err = await rejection(call);
      expect(err).toBeInstanceOf(MQTimeoutError);
      expect((err as MQTimeoutError).retryable).toBe(true);
      expect(err.message).toMatch(/no complete response within 200 ms/);
    }
    // The sockets were cut, not left trickling.
    for (const req of server.requests) await req.socketClosed;
  });

  it('a trickling answer to a short poll ends at waitSeconds + margin', async () => {
    server.next(trickle(TRICKLE_MS));
    const err = await rejection(client.consume('T1', 'G', { waitSeconds: 0 }));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(err.message).toContain('200 ms');
  });

  it('a per-call timeoutMs shortens the deadline, never lengthens it', async () => {
    server.next(trickle(TRICKLE_MS, 201));
    const err = await rejection(client.publish('T1', { body: 'x' }, { timeoutMs: 60 }));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(err.message).toContain('60 ms');
    server.next(trickle(TRICKLE_MS, 201));
    const longer = await rejection(client.publish('T1', { body: 'x' }, { timeoutMs: 60_000 }));
    expect(longer.message).toContain('200 ms');
    await expect(client.publish('T1', { body: 'x' }, { timeoutMs: 0 })).rejects.toBeInstanceOf(
      MQInvalidArgumentError,
    );
  });

  it('calls queued behind stalled sockets settle at their own deadline', async () => {
    const narrow = new MQClient(server.endpoint, CREDS, { connections: 1, requestTimeoutMs: 150 });
    server.next(hang, hang, hang);
    const calls = [1, 2, 3].map((i) => rejection(narrow.publish('T1', { body: `m${i}` })));
    for (const err of await Promise.all(calls)) expect(err).toBeInstanceOf(MQTimeoutError);
    await narrow.close();
  });

  it('the deadline covers a credentials provider that never answers', async () => {
    const stuck = new MQClient(server.endpoint, () => new Promise<never>(() => undefined), {
      requestTimeoutMs: 100,
    });
    const err = await rejection(stuck.publish('T1', { body: 'x' }));
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(err.message).toMatch(/credentials provider/);
    await stuck.close();
    expect(server.requests).toHaveLength(0);
  });

  it('close() is bounded with calls in flight against a stalled server', async () => {
    const own = new MQClient(server.endpoint, CREDS, { connections: 2, requestTimeoutMs: 150 });
    server.next(trickle(TRICKLE_MS, 201), hang, hang, hang);
    const publishes = [1, 2, 3].map((i) => rejection(own.publish('T1', { body: `m${i}` })));
    const poll = rejection(own.consume('T1', 'G', { waitSeconds: 30 }));
    await server.received(3);
    await own.close();
    // Every call has settled by the time close() resolved.
    const settled = await Promise.race([
      Promise.all([...publishes, poll]),
      new Promise<'pending'>((resolve) => setImmediate(resolve, 'pending')),
    ]);
    expect(settled).not.toBe('pending');
    const [p1, p2, p3, polled] = settled as Error[];
    for (const err of [p1, p2, p3]) expect(err).toBeInstanceOf(MQTimeoutError);
    expect(polled).toBeInstanceOf(MQAbortError);
  });

  it('an abort before any answer still cuts a consume at once', async () => {
    server.next(hang);
    const controller = new AbortController();
    const pending = client.consume('T1', 'G', { waitSeconds: 30, signal: controller.signal });
    const req = await server.received(1);
    controller.abort();
    expect(await rejection(pending)).toBeInstanceOf(MQAbortError);
    await req.socketClosed;
  });
});
