/**
 * The dispatch handler of one exchange, driven through undici's handler callbacks by a stand-in
 * pool, so that the order of events (response started, then abort) is exact.
 */
import { describe, expect, it } from '@jest/globals';
import type { Dispatcher, Pool } from 'undici';
import { MQAbortError } from '../../../lib/client/client.errors.js';
import { DeadlineWatch } from '../../../lib/client/deadline.watch.js';
import { send, type TransportRequest } from '../../../lib/client/http.transport.js';

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

const controller = (aborted: { reason?: unknown }) =>
  ({
    abort(reason: unknown) {
      aborted.reason = reason;
    },
  }) as unknown as Dispatcher.DispatchController;

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
    h.onRequestStart!(controller(cut), {});
    h.onResponseStart!(controller(cut), 200, { 'x-mq-request-id': 'R1' }, '');
    abort.abort();
    h.onResponseData!(controller(cut), Buffer.from('<Messages/>'));
    h.onResponseEnd!(controller(cut), {});
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
    h.onRequestStart!(controller(cut), {});
    h.onResponseStart!(controller(cut), 200, {}, '');
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
    handler().onRequestStart!(controller(cut), {});
    abort.abort();
    await expect(result).rejects.toBeInstanceOf(MQAbortError);
    expect(cut.reason).toBeInstanceOf(MQAbortError);
    expect(watch.size).toBe(0);
  });
});
