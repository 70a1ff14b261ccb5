/**
 * The dispatch handler of one exchange, driven through undici's handler callbacks (the core
 * interface undici calls: onConnect, onHeaders, onData, onComplete) by a stand-in pool, so that the
 * order of events (response started, then abort) is exact.
 */
import { describe, expect, it } from '@jest/globals';
import type { Dispatcher, Pool } from 'undici';
import { MQAbortError } from '../../../lib/client/client.errors.js';
import { DeadlineWatch } from '../../../lib/client/deadline.watch.js';
import { requestIdOf, send, type TransportRequest } from '../../../lib/client/http.transport.js';

/** A pool that hands the handler over to the test instead of sending anything. */
function capturingPool(): { pool: Pool; handler: () => Dispatcher.DispatchHandler } {
  let captured: Dispatcher.DispatchHandler | undefined;
  const pool = {
    dispatch(_options: unknown, handler: Dispatcher.DispatchHandler): boolean {
      captured = handler;
      return true;
    },
  } as unknown as Pool;
  return { pool, handler: () => captured! };
}

/** undici's abort function of one request, recording what it was called with. */
const abortOf =
  (aborted: { reason?: unknown }) =>
  (reason?: Error): void => {
    aborted.reason = reason;
  };

const raw = (...pairs: string[]): Buffer[] => pairs.map((p) => Buffer.from(p, 'latin1'));
const resume = (): void => undefined;

function request(signal: AbortSignal, completeOnAbort: boolean): TransportRequest {
  return {
    method: 'GET',
    path: '/topics/T/messages',
    headers: [],
    body: null,
    timeoutMs: 10_000,
    signal,
    operation: 'consume from topic T',
    completeOnAbort,
  };
}

describe('send(): aborts and a response under way', () => {
  it('a consume whose response started completes despite an abort', async () => {
    const { pool, handler } = capturingPool();
    const watch = new DeadlineWatch();
    const abort = new AbortController();
    const result = send(pool, request(abort.signal, true), watch);
    const h = handler();
    const cut: { reason?: unknown } = {};
    h.onConnect!(abortOf(cut));
    h.onHeaders!(200, raw('X-MQ-Request-Id', 'R1'), resume, 'OK');
    abort.abort();
    h.onData!(Buffer.from('<Messages/>'));
    h.onComplete!([]);
    await expect(result).resolves.toEqual({ status: 200, requestId: 'R1', body: '<Messages/>' });
    expect(cut.reason).toBeUndefined();
    expect(watch.size).toBe(0);
  });

  it('without completeOnAbort (publish, ack) the same abort cuts the exchange', async () => {
    const { pool, handler } = capturingPool();
    const watch = new DeadlineWatch();
    const abort = new AbortController();
    const result = send(pool, request(abort.signal, false), watch);
    const h = handler();
    const cut: { reason?: unknown } = {};
    h.onConnect!(abortOf(cut));
    h.onHeaders!(200, [], resume, 'OK');
    abort.abort();
    await expect(result).rejects.toBeInstanceOf(MQAbortError);
    expect(cut.reason).toBeInstanceOf(MQAbortError);
    expect(watch.size).toBe(0);
  });

  it('a consume aborted before its response started is cut', async () => {
    const { pool, handler } = capturingPool();
    const watch = new DeadlineWatch();
    const abort = new AbortController();
    const result = send(pool, request(abort.signal, true), watch);
    const cut: { reason?: unknown } = {};
    handler().onConnect!(abortOf(cut));
    abort.abort();
    await expect(result).rejects.toBeInstanceOf(MQAbortError);
    expect(cut.reason).toBeInstanceOf(MQAbortError);
    expect(watch.size).toBe(0);
  });
});

describe("requestIdOf(): x-mq-request-id from undici's raw header list", () => {
  it('matches the name in any case, takes the first of repeated ones, else gives ""', () => {
    expect(requestIdOf(raw('content-type', 'text/xml', 'x-mq-request-id', 'R1'))).toBe('R1');
    expect(requestIdOf(raw('X-Mq-Request-Id', 'R2', 'x-mq-request-id', 'R3'))).toBe('R2');
    expect(requestIdOf(raw('x-mq-request-ix', 'no', 'content-length', '0'))).toBe('');
    expect(requestIdOf([])).toBe('');
  });
});
