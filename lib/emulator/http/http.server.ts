import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { MQ_ERRORS, newRequestId } from '../../protocol/index.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';
import { ADMIN_PREFIX, handleAdminRequest } from '../admin/admin.http.js';
import type { AdminHttpContext } from '../admin/admin.context.js';
import { sendRootPointer } from '../admin/root.pointer.js';
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../clock/clock.js';
import { MAX_REQUEST_BODY_BYTES } from '../config/emulator.defaults.js';
import type { EmulatorCredential } from '../emulator.types.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import type { OnsFront } from '../ons/ons.front.js';
import { matchOnsTarget } from '../ons/ons.route.js';
import { MQRequestError, toWireError } from './http.errors.js';
import { describeFault } from './http.log.js';
import type { EmulatorLog } from './http.log.js';
import { FastLane } from './fast-lane.js';
import { WholeRequests } from './fast-lane.serve.js';
import type { LongPollGauge } from './messages.execute.js';
import { MessagesResponder } from './messages.respond.js';
import { deliverReply, replyAtTurnEnd } from './reply.deliver.js';
import { createRequestAuthenticator } from './request.auth.js';
import { ClientGoneError, discardRequestBody } from './request.body.js';
import { logRequest } from './request.log.js';
import type { ServeState } from './request.log.js';
import { failureReply, sendError } from './response.write.js';
import type { Reply } from './response.write.js';
import { answerClientError, endWithError } from './socket.errors.js';

/**
 * Longer than the idle timeout of client keep-alive pools (Node's agent: 5 s, undici: 4 s), so the
 * server never closes a socket that a client is about to reuse.
 */
const KEEP_ALIVE_SECONDS = 65;

export interface EmulatorHttpServerOptions {
  broker: Broker;
  clock: Clock;
  auth: 'strict' | 'off';
  credentials: readonly EmulatorCredential[];
  maxDateSkewMs: number;
  maxWaitSeconds: number;
  log: EmulatorLog;
  admin: Omit<AdminHttpContext, 'endpoint' | 'longPolls' | 'httpRequests'>;
  /** Consumers seen (the console); undefined when the console is off. */
  activity?: ConsumerActivity;
  maxBodyBytes?: number;
  /** The 2017 ONS HTTP API, served on this port under `/message/`. */
  ons?: OnsFront;
  /** Fault rules the front consults for every protocol request (never for the admin API). */
  faults?: FaultInjector;
  /** A request whose headers are not complete by then is closed (slowloris, a bare request line). */
  headersTimeoutMs: number;
  /** A request not received completely (headers and body) by then is closed. */
  requestTimeoutMs: number;
}

/**
 * The emulator's HTTP front: one node:http server for the MQ protocol and the admin API.
 * Every request is answered (the cloud's XML error for anything wrong, 500 InternalError for our own
 * faults); nothing a client sends can crash the process.
 * This file owns the server (timeouts, keep-alive, listen, drain) and routes each request: the
 * ONS API (ons/), the admin API and console (admin/), `GET /`, and the MQ protocol, which
 * messages.respond.ts checks and runs and reply.deliver.ts answers at the end of the turn. Plain
 * MQ requests arrive through the fast lane (fast-lane.ts) instead, whole, and are answered on its
 * connection at the end of the turn too. Every request gets one log line (request.log.ts); what
 * never becomes a request, socket.errors.ts.
 */
export class EmulatorHttpServer {
  private readonly server: Server;
  private readonly lane: FastLane;
  private readonly messages: MessagesResponder;
  private readonly adminContext: AdminHttpContext;
  private hostId = '';
  private inFlight = 0;
  private readonly longPolls: LongPollGauge = { parked: 0 };
  private readonly requestCounts = { fastLane: 0, nodeHttp: 0 };
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: EmulatorHttpServerOptions) {
    this.messages = new MessagesResponder({
      broker: options.broker,
      clock: options.clock,
      authenticate:
        options.auth === 'strict'
          ? createRequestAuthenticator({
              credentials: options.credentials,
              maxDateSkewMs: options.maxDateSkewMs,
              log: options.log,
            })
          : undefined,
      maxBodyBytes: options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES,
      maxWaitSeconds: options.maxWaitSeconds,
      longPolls: this.longPolls,
      activity: options.activity,
      faults: options.faults,
      history: () => options.admin.console?.tap.history,
    });
    this.adminContext = {
      ...options.admin,
      endpoint: () => this.hostId,
      longPolls: () => this.longPolls.parked,
      httpRequests: () => ({ ...this.requestCounts }),
    };
    // Node checks its timeouts this often (its default is every 30 s); the fast lane too.
    const checkingInterval = Math.max(
      10,
      Math.min(1_000, Math.floor(options.headersTimeoutMs / 4)),
    );
    this.server = createServer({
      // Both bound only the receiving of a request: a long poll, parked once its request has
      // arrived, is not cut by them.
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: checkingInterval,
    });
    this.server.keepAliveTimeout = KEEP_ALIVE_SECONDS * 1000;
    const whole = new WholeRequests({
      messages: this.messages,
      broker: options.broker,
      clock: options.clock,
      log: options.log,
      hostId: () => this.hostId,
      keepAliveSeconds: KEEP_ALIVE_SECONDS,
      begin: () => {
        this.inFlight++;
        this.requestCounts.fastLane++;
      },
      served: this.served,
    });
    const faults = options.faults;
    this.lane = new FastLane(this.server, {
      maxBodyBytes: options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES,
      keepAliveMs: KEEP_ALIVE_SECONDS * 1000,
      headersTimeoutMs: options.headersTimeoutMs,
      sweepIntervalMs: checkingInterval,
      // Faults act on node:http's request and response: while a rule is armed, all go there.
      open: () => faults === undefined || !faults.armed,
      serve: (connection, head, body) => whole.serve(connection, head, body),
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.track(req, res, false),
    );
    // Registering checkContinue lets us refuse a request (bad auth, too big) before the client
    // sends its body; otherwise Node would answer 100 Continue on its own.
    this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) =>
      this.track(req, res, true),
    );
    // Any other Expect value: Node would answer a bare 417; answer in the cloud's format instead.
    this.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
      this.requestCounts.nodeHttp++;
      const requestId = newRequestId(this.options.clock.now());
      const wire = toWireError(
        new MQRequestError('InvalidArgument', 'The Expect header value is not supported.', true),
      );
      sendError(res, wire, requestId, this.hostId);
      const state: ServeState = { errorCode: wire.code, fault: undefined, handles: undefined };
      logRequest(this.options.log, req.method, req.url, wire.status, state, 0, requestId);
    });
    // CONNECT (proxy tunnelling) is not part of the protocol; Node would drop the socket silently.
    this.server.on('connect', (_req: IncomingMessage, socket: Socket) =>
      endWithError(
        socket,
        'InvalidRequestURL',
        MQ_ERRORS.InvalidRequestURL.message,
        this.options.clock,
        this.hostId,
      ),
    );
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) =>
      answerClientError(err, socket, this.options.clock, this.hostId),
    );
  }

  /** Binds and returns the base URL (also the HostId of every error document). */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        // Later server errors (e.g. EMFILE while accepting) must not crash the process.
        this.server.on('error', (err: Error) =>
          this.options.log.warn(`server error: ${err.message}`),
        );
        const address = this.server.address();
        const boundPort = typeof address === 'object' && address !== null ? address.port : port;
        this.hostId = `http://${urlHost(host)}:${boundPort}`;
        resolve(this.hostId);
      });
    });
  }

  get endpoint(): string {
    return this.hostId;
  }

  /** Stops accepting connections and drops idle keep-alive sockets. */
  stopAccepting(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    this.lane.stop();
    return closed;
  }

  /** Resolves once every request being served has been answered. */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Destroys every remaining socket (keep-alive connections between requests included). */
  closeAllConnections(): void {
    this.server.closeAllConnections();
    this.lane.destroyAll();
  }

  private track(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    this.inFlight++;
    this.requestCounts.nodeHttp++;
    // One reaction for both outcomes (not .catch().finally(): two more promises per request).
    this.serve(req, res, expectContinue).then(this.served, (err: unknown) => {
      // Only reachable if writing the error response itself failed: drop the connection.
      this.options.log.warn(`failed to answer ${req.method} ${req.url}: ${describeFault(err)}`);
      res.destroy();
      this.served();
    });
  }

  private readonly served = (): void => {
    if (--this.inFlight === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const done of waiters) done();
    }
  };

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
  ): Promise<void> {
    const log = this.options.log;
    const started = log.enabled ? performance.now() : 0;
    const requestId = newRequestId(this.options.clock.now());
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const state: ServeState = { errorCode: '', fault: undefined, handles: undefined };
    let reply: Reply | undefined;
    // The status of the answer built, for the log line (also when a fault withheld it).
    let status: number | undefined;
    try {
      // The 2017 ONS API claims its requests (origin or absolute form) before any MQ routing.
      const ons = this.options.ons;
      const onsQuery = ons === undefined ? undefined : matchOnsTarget(url);
      if (ons !== undefined && onsQuery !== undefined) {
        const served = await ons.serve(req, res, expectContinue, onsQuery);
        state.errorCode = served.errorCode;
        state.fault = served.fault;
        status = served.status;
        return;
      }
      if (path.startsWith(ADMIN_PREFIX)) {
        if (expectContinue) res.writeContinue();
        await handleAdminRequest(this.adminContext, req, res, path, rawQuery);
        return;
      }
      if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        const admin = this.options.admin;
        sendRootPointer(
          {
            endpoint: this.hostId,
            instanceId: admin.instanceId,
            consoleEnabled: admin.console !== undefined,
            tokenRequired: admin.access.tokenRequired,
          },
          req,
          res,
        );
        return;
      }
      try {
        reply = await this.messages.respond(
          req,
          res,
          expectContinue,
          path,
          rawQuery,
          requestId,
          state,
          this.hostId,
        );
      } catch (err) {
        if (err instanceof ClientGoneError) return;
        reply = failureReply(err, log, req.method, path, requestId, state, this.hostId);
        // A client still sending its body must get this answer, not EPIPE: the rest is read and
        // dropped while we answer. Not when it waits for 100 Continue (it may never send the
        // body), nor beyond the discard limit: the connection is closed after the answer then.
        if (!reply.closeConnection && !req.complete) {
          reply.closeConnection = expectContinue || !discardRequestBody(req);
        }
      }
      if (reply !== undefined) {
        // With the turn's other answers, after the writes they vouch for (see GroupCommit).
        const broker = this.options.broker;
        reply = await replyAtTurnEnd(broker, log, reply, requestId, state, this.hostId);
        deliverReply(broker, log, req, res, reply, state);
      }
    } finally {
      const answered = reply?.status ?? status ?? (res.headersSent ? res.statusCode : undefined);
      logRequest(log, req.method, req.url, answered, state, started, requestId);
    }
  }
}

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; clients cannot connect to 0.0.0.0 portably.
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
