/**
 * A whole-call deadline and the caller's AbortSignal around one client call. undici's own timeouts
 * are per phase (headers, then each gap between body chunks), so a peer that trickles a byte every
 * few hundred ms would hold a call forever; this timer bounds the call whatever the peer does,
 * credentials provider included. `run` gets a signal that aborts the exchange (the socket is
 * destroyed) when the deadline passes or the caller aborts.
 */
import { MQAbortError, MQTimeoutError } from './client.errors.js';

export function withDeadline<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  operation: string,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) {
    return Promise.reject(new MQAbortError(`${operation}: aborted before sending`, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    // Settle first, then tear the exchange down: its own rejection (an abort) then comes too late.
    const timer = setTimeout(() => {
      if (!finish()) return;
      const err = new MQTimeoutError(`${operation}: no complete answer within ${timeoutMs} ms`);
      reject(err);
      controller.abort(err);
    }, timeoutMs);
    const onAbort = (): void => {
      if (!finish()) return;
      const err = new MQAbortError(`${operation}: aborted`, signal?.reason);
      reject(err);
      controller.abort(err);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    run(controller.signal).then(
      (value) => {
        if (finish()) resolve(value);
      },
      (err: unknown) => {
        if (finish()) reject(err);
      },
    );
  });
}
