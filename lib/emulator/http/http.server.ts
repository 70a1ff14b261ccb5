import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  buildError,
  MQ_ERRORS,
  MQ_LIMITS,
  MQ_VERSION,
  newRequestId,
  REQUEST_ID_HEADER,
  XML_CONTENT_TYPE,
} from '../../protocol/index.js';
import type { ConsumerActivity } from '../activity/consumer.activity.js';
import { ADMIN_PREFIX, handleAdminRequest } from '../admin/admin.http.js';
import type { AdminHttpContext } from '../admin/admin.http.js';
import { sendRootPointer } from '../admin/root.pointer.js';
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../clock/clock.js';
import { MAX_REQUEST_BODY_BYTES } from '../config/emulator.defaults.js';
import type { EmulatorCredential } from '../emulator.types.js';
import type { OnsFront } from '../ons/ons.front.js';
import { matchOnsTarget } from '../ons/ons.route.js';
import { MQRequestError, toWireError } from './http.errors.js';
import type { EmulatorLog } from './http.log.js';
import { executeOperation } from './messages.execute.js';
import type { OperationOutcome } from './messages.execute.js';
import { traceFault } from './fault.trace.js';
import type { LongPollGauge } from './messages.execute.js';
import { createRequestAuthenticator, verifyContentMd5 } from './request.auth.js';
import type { FaultInjector } from '../faults/fault.injector.js';
import type { FaultDecision, FaultRequest } from '../faults/fault.types.js';
import { actsAfter, beforeActing, deliverFaulted, injectedError } from './fault.apply.js';
import { ClientGoneError, discardRequestBody, readRequestBody } from './request.body.js';
import { recordHttpPoll } from './poll.activity.js';
import { resolveOperation } from './request.operation.js';
import type { MessagesOperation } from './request.operation.js';
import { parseMessagesQuery } from './request.query.js';
import { matchMessagesPath } from './request.route.js';
import {
  errorReply,
  noContentReply,
  replyAnswer,
  sendError,
  writeReply,
  xmlReply,
} from './response.write.js';
import type { Reply } from './response.write.js';

/** The documented request-line limit (PROTOCOL.md §1.3), applied to the request-target. */
const MAX_REQUEST_TARGET_LENGTH = MQ_LIMITS.maxRequestLineLength;

export interface EmulatorHttpServerOptions {
  broker: Broker;
  clock: Clock;
  auth: 'strict' | 'off';
  credentials: readonly EmulatorCredential[];
  maxDateSkewMs: number;
  maxWaitSeconds: number;
  log: EmulatorLog;
  admin: Omit<AdminHttpContext, 'endpoint' | 'longPolls'>;
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

/** What one request turned into, for the answer and the log line. */
interface ServeState {
  errorCode: string;
  fault: FaultDecision | undefined;
  /** Receipt handles carried by a consume reply (given back if the reply cannot be written). */
  handles: string[] | undefined;
}

/**
 * The emulator's HTTP front: one node:http server for the MQ protocol and the admin API.
 * Every request is answered (the cloud's XML error for anything wrong, 500 InternalError for our own
 * faults); nothing a client sends can crash the process.
 */
export class EmulatorHttpServer {
  private readonly server: Server;
  private readonly authenticate: ((req: IncomingMessage) => void) | undefined;
  private readonly maxBodyBytes: number;
  private readonly adminContext: AdminHttpContext;
  private hostId = '';
  private inFlight = 0;
  private readonly longPolls: LongPollGauge = { parked: 0 };
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: EmulatorHttpServerOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;
    this.authenticate =
      options.auth === 'strict'
        ? createRequestAuthenticator({
            credentials: options.credentials,
            maxDateSkewMs: options.maxDateSkewMs,
            log: options.log,
          })
        : undefined;
    this.adminContext = {
      ...options.admin,
      endpoint: () => this.hostId,
      longPolls: () => this.longPolls.parked,
    };
    this.server = createServer({
      // Both bound only the receiving of a request: a long poll, parked once its request has
      // arrived, is not cut by them. Node checks them this often (its default is every 30 s).
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1_000, Math.floor(options.headersTimeoutMs / 4)),
      ),
    });
    // Longer than the idle timeout of client keep-alive pools (Node's agent: 5 s, undici: 4 s), so
    // the server never closes a socket that a client is about to reuse.
    this.server.keepAliveTimeout = 65_000;
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
      const requestId = newRequestId(this.options.clock.now());
      const wire = toWireError(
        new MQRequestError('InvalidArgument', 'The Expect header value is not supported.', true),
      );
      sendError(res, wire, requestId, this.hostId);
      const state: ServeState = { errorCode: wire.code, fault: undefined, handles: undefined };
      this.logRequest(req, res, wire.status, state, 0, requestId);
    });
    // CONNECT (proxy tunnelling) is not part of the protocol; Node would drop the socket silently.
    this.server.on('connect', (_req: IncomingMessage, socket: Socket) =>
      this.endWithError(socket, 'InvalidRequestURL', MQ_ERRORS.InvalidRequestURL.message),
    );
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) =>
      this.onClientError(err, socket),
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
  }

  private track(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    this.inFlight++;
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
        reply = await this.respond(req, res, expectContinue, path, rawQuery, requestId, state);
      } catch (err) {
        if (err instanceof ClientGoneError) return;
        const wire = toWireError(err);
        state.errorCode = wire.code;
        if (wire.internal) {
          log.warn(
            `InternalError serving ${req.method} ${path} (request ${requestId}): ${describeFault(err)}`,
          );
        }
        // A client still sending its body must get this answer, not EPIPE: the rest is read and
        // dropped while we answer. Not when it waits for 100 Continue (it may never send the
        // body), nor beyond the discard limit: the connection is closed after the answer then.
        if (!wire.closeConnection && !req.complete) {
          wire.closeConnection = expectContinue || !discardRequestBody(req);
        }
        reply = errorReply(wire, requestId, this.hostId);
      }
      if (reply !== undefined) {
        // With the turn's other answers, after the writes they vouch for (see GroupCommit).
        reply = await this.atTurnEnd(reply, requestId, state);
        this.deliver(req, res, reply, state);
      }
    } finally {
      this.logRequest(req, res, reply?.status ?? status, state, started, requestId);
    }
  }

  /** Checks and runs one protocol request; undefined when there is nobody to answer. */
  private async respond(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    path: string,
    rawQuery: string,
    requestId: string,
    state: ServeState,
  ): Promise<Reply | undefined> {
    const method = req.method;
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE')
      throw new MQRequestError('InvalidRequestURL');
    if ((req.url ?? '').length > MAX_REQUEST_TARGET_LENGTH) {
      throw new MQRequestError(
        'InvalidRequestURL',
        `Http request URL is longer than ${MAX_REQUEST_TARGET_LENGTH} characters.`,
      );
    }
    const topic = matchMessagesPath(path);
    this.authenticate?.(req);
    if (expectContinue) {
      const length = Number(req.headers['content-length']);
      if (length > this.maxBodyBytes) {
        throw new MQRequestError(
          'InvalidArgument',
          `The value of request body should between 0 and ${this.maxBodyBytes} bytes.`,
          true,
        );
      }
      res.writeContinue();
    }
    const body = await readRequestBody(req, this.maxBodyBytes);
    if (this.authenticate !== undefined) verifyContentMd5(req, body);
    const query = parseMessagesQuery(rawQuery);
    const operation = resolveOperation(method, topic, query, this.options.maxWaitSeconds);
    const faults = this.options.faults;
    if (faults !== undefined && faults.armed) {
      const fault = faults.decide(describeForFaults(operation));
      if (fault !== undefined) {
        state.fault = fault;
        if (fault.action.kind === 'error') {
          this.traceFault(fault, operation, body, undefined);
          const wire = injectedError(fault.action);
          state.errorCode = wire.code;
          return errorReply(wire, requestId, this.hostId);
        }
        if (!(await beforeActing(fault.action, req, res))) {
          this.traceFault(fault, operation, body, undefined);
          return undefined;
        }
      }
    }
    const activity = this.options.activity;
    const polled =
      activity !== undefined && operation.kind === 'consume'
        ? recordHttpPoll(activity, req, operation)
        : undefined;
    let outcome;
    try {
      // Its writes are kept for the turn's group commit; the answer waits for them (serve()).
      const broker = this.options.broker;
      const result = broker.commits.deferred(() =>
        executeOperation(broker, operation, body, res, this.longPolls),
      );
      // Only a consume returns a promise: the others need no extra turn of the microtask queue.
      outcome = result instanceof Promise ? await result : result;
    } finally {
      polled?.();
    }
    if (state.fault !== undefined) this.traceFault(state.fault, operation, body, outcome);
    if (outcome.status === 0) return undefined;
    if (outcome.status === 204) return noContentReply(requestId);
    if (outcome.status === 200) state.handles = outcome.handles;
    return xmlReply(outcome.status, outcome.xml, requestId);
  }

  /** The console's history learns which messages a fault touched (nothing when it is off). */
  private traceFault(
    fault: FaultDecision,
    operation: MessagesOperation,
    body: Buffer,
    outcome: OperationOutcome | undefined,
  ): void {
    const history = this.options.admin.console?.tap.history;
    if (history !== undefined) {
      traceFault(history, this.options.clock.now(), fault, operation, body, outcome);
    }
  }

  /**
   * Resolves at the end of the event-loop turn, once the writes made so far are in the OS (see
   * GroupCommit), with the reply; an InternalError reply instead if they could not be written.
   */
  private atTurnEnd(reply: Reply, requestId: string, state: ServeState): Promise<Reply> {
    return new Promise((resolve) =>
      this.options.broker.commits.atTurnEnd((error) => {
        if (error === undefined) {
          resolve(reply);
          return;
        }
        this.options.log.warn(
          `InternalError: the data directory could not be written (request ${requestId}): ${describeFault(error)}`,
        );
        const wire = toWireError(error);
        state.errorCode = wire.code;
        // Messages handed to a consume stay in flight until their invisibility ends, as with any
        // answer that is lost.
        state.handles = undefined;
        resolve(errorReply(wire, requestId, this.hostId));
      }),
    );
  }

  /** Writes the reply, or lets an after-acting fault decide what the client gets. */
  private deliver(
    req: IncomingMessage,
    res: ServerResponse,
    reply: Reply,
    state: ServeState,
  ): void {
    const fault = state.fault;
    if (fault !== undefined && actsAfter(fault.action)) {
      // The server acted and the fault eats the answer: delivered messages stay in flight, as
      // they would when a real network loses a response.
      deliverFaulted(fault.action, req, res, replyAnswer(reply));
      return;
    }
    const written = writeReply(res, reply);
    if (reply.closeConnection) res.once('finish', () => req.socket.destroySoon());
    const handles = state.handles;
    if (handles === undefined) return;
    // Messages whose answer never left this process go back to ready at once, attempt uncounted.
    if (!written) this.returnUndelivered(handles);
    else {
      res.once('close', () => {
        if (!res.writableFinished) this.returnUndelivered(handles);
      });
    }
  }

  private returnUndelivered(handles: string[]): void {
    const released = this.options.broker.release(handles);
    if (released > 0) {
      this.options.log.debug(`client gone: ${released} undelivered message(s) ready again`);
    }
  }

  private logRequest(
    req: IncomingMessage,
    res: ServerResponse,
    status: number | undefined,
    state: ServeState,
    started: number,
    requestId: string,
  ): void {
    const log = this.options.log;
    if (!log.enabled) return;
    const ms = started === 0 ? '0.0' : (performance.now() - started).toFixed(1);
    const code = state.errorCode === '' ? '' : ` ${state.errorCode}`;
    const fault =
      state.fault === undefined ? '' : ` fault=${state.fault.ruleId}:${state.fault.action.kind}`;
    // Nothing was sent: the client went away first (an aborted long poll), so no status to show.
    // A reply a fault withheld or wrote raw still has the status it would have had.
    const outcome =
      status !== undefined
        ? `${status}${code}`
        : res.headersSent
          ? `${res.statusCode}${code}`
          : 'closed by the client, no answer';
    log.info(`${req.method} ${req.url} ${outcome}${fault} ${ms}ms id=${requestId}`);
  }

  /** Unparsable HTTP (bad request line, bad header bytes, oversized headers): answer in the cloud's format. */
  private onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    // Node keeps the response in progress on this private field; writing raw bytes would corrupt it.
    const busy = (socket as Socket & { _httpMessage?: unknown })._httpMessage != null;
    if (
      err.code === 'ECONNRESET' ||
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ||
      !socket.writable ||
      busy
    ) {
      socket.destroy();
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      this.endWithError(socket, 'InvalidArgument', 'The HTTP request headers are too large.');
    } else {
      this.endWithError(socket, 'InvalidRequestURL', MQ_ERRORS.InvalidRequestURL.message);
    }
  }

  /** Writes a 400 XML error straight to a socket Node's HTTP layer has given up on, then ends it. */
  private endWithError(
    socket: Socket,
    code: 'InvalidArgument' | 'InvalidRequestURL',
    message: string,
  ): void {
    const requestId = newRequestId(this.options.clock.now());
    const xml = buildError({ code, message, requestId, hostId: this.hostId });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: ${XML_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(xml)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\nx-mq-version: ${MQ_VERSION}\r\nconnection: close\r\n\r\n${xml}`,
    );
  }
}

/** The front-agnostic description the fault rules match on. */
function describeForFaults(op: MessagesOperation): FaultRequest {
  return op.kind === 'publish'
    ? { front: 'http', operation: 'publish', topic: op.topic, instanceId: op.ns }
    : { front: 'http', operation: op.kind, topic: op.topic, group: op.group, instanceId: op.ns };
}

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; clients cannot connect to 0.0.0.0 portably.
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function describeFault(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
