/**
 * Sends the requests of one MQClient: credentials (static, or from a provider, possibly async),
 * signed headers, then the exchange on the pool the client chose, under the call's deadline.
 * Created once per client; it also holds the client's closed state, because a call whose provider
 * was awaited across close() must still be refused here, after the wait.
 *
 * Hot path: with static credentials (or a provider that answers synchronously) a call goes straight
 * to signAndSend: no promise, closure or timer of its own before the transport's.
 */
import type { Pool } from 'undici';
import { MQInvalidArgumentError, MQTimeoutError } from './client.errors.js';
import { checkCredentials } from './client.options.js';
import type { MQCredentials, MQCredentialsProvider } from './client.types.js';
import { DeadlineEntry, type DeadlineWatch } from './deadline.watch.js';
import { send, untilAborted } from './http.transport.js';
import type { RawResponse } from './http.transport.js';
import { RequestSigner, type Method } from './request.signer.js';

export class RequestSender {
  private readonly staticCredentials: MQCredentials | undefined;
  private readonly provider: MQCredentialsProvider | undefined;
  private readonly signer: RequestSigner;
  private closed = false;

  constructor(
    /** Already checked by checkCredentialsSource. */
    source: MQCredentials | MQCredentialsProvider,
    userAgent: string,
    /** The client's deadlines: every request of both pools and every wait for credentials. */
    private readonly deadlines: DeadlineWatch,
  ) {
    if (typeof source === 'function') this.provider = source;
    else this.staticCredentials = { ...source };
    this.signer = new RequestSigner(userAgent);
  }

  /** From now on every call, including one already waiting for credentials, is refused. */
  close(): void {
    this.closed = true;
  }

  assertOpen(): void {
    if (this.closed) {
      throw new MQInvalidArgumentError('client', 'is closed; create a new MQClient');
    }
  }

  /** Credentials (sync fast path, awaited only when the provider returns a promise), sign, send. */
  exchange(
    pool: Pool,
    method: Method,
    target: string,
    body: Buffer | null,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    operation: string,
  ): Promise<RawResponse> {
    const fixed = this.staticCredentials;
    if (fixed !== undefined) {
      return this.signAndSend(pool, fixed, method, target, body, timeoutMs, signal, operation);
    }
    const provided = (this.provider as MQCredentialsProvider)();
    if (provided != null && typeof (provided as Promise<MQCredentials>).then === 'function') {
      // The deadline covers the wait for credentials too (a provider fetching an STS token may
      // hang), and the caller's signal ends it as well; the request gets what is left of it.
      const startedAt = performance.now();
      const timely = this.credentialsWithin(
        provided as Promise<MQCredentials>,
        timeoutMs,
        operation,
      );
      const credentials = signal === undefined ? timely : untilAborted(timely, signal, operation);
      return credentials.then((c) =>
        this.signAndSend(
          pool,
          checkCredentials(c, 'credentials()'),
          method,
          target,
          body,
          Math.max(1, Math.ceil(timeoutMs - (performance.now() - startedAt))),
          signal,
          operation,
        ),
      );
    }
    return this.signAndSend(
      pool,
      checkCredentials(provided, 'credentials()'),
      method,
      target,
      body,
      timeoutMs,
      signal,
      operation,
    );
  }

  private credentialsWithin(
    provided: Promise<MQCredentials>,
    timeoutMs: number,
    operation: string,
  ): Promise<MQCredentials> {
    return new Promise<MQCredentials>((resolve, reject) => {
      const wait = new CredentialsWait(() =>
        reject(
          new MQTimeoutError(
            `${operation}: the credentials provider did not answer within ${timeoutMs} ms`,
          ),
        ),
      );
      this.deadlines.watch(wait, timeoutMs);
      provided.then(
        (c) => {
          this.deadlines.unwatch(wait);
          resolve(c);
        },
        (error: unknown) => {
          this.deadlines.unwatch(wait);
          reject(error);
        },
      );
    });
  }

  private signAndSend(
    pool: Pool,
    creds: MQCredentials,
    method: Method,
    target: string,
    body: Buffer | null,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    operation: string,
  ): Promise<RawResponse> {
    // The provider may have awaited across close().
    this.assertOpen();
    return send(
      pool,
      {
        method,
        path: target,
        headers: this.signer.headers(creds, method, target, body),
        body,
        timeoutMs,
        signal,
        operation,
        // Consumes only: see TransportRequest.completeOnAbort.
        completeOnAbort: method === 'GET',
      },
      this.deadlines,
    );
  }
}

/** A call waiting for an async credentials provider, under the call's deadline. */
class CredentialsWait extends DeadlineEntry {
  constructor(private readonly onExpire: () => void) {
    super();
  }

  expire(): void {
    this.onExpire();
  }
}
