/**
 * Serves the fast lane's whole requests (fast-lane.ts): runs each at once through the same
 * MessagesResponder as node:http's requests, and answers it on its connection at the end of the
 * turn, after the writes it vouches for (GroupCommit), with the turn's other answers — the same
 * order of events as reply.deliver.ts, without a promise of its own for anything but a consume.
 */
import { newRequestId } from '../../protocol/index.js';
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../clock/clock.js';
import type { FastLaneConnection } from './fast-lane.connection.js';
import type { FastRequestHead } from './fast-lane.head.js';
import type { EmulatorLog } from './http.log.js';
import type { MessagesResponder } from './messages.respond.js';
import { commitFailed, returnUndelivered } from './reply.deliver.js';
import { logRequest } from './request.log.js';
import type { ServeState } from './request.log.js';
import { failureReply, replyText } from './response.write.js';
import type { Reply } from './response.write.js';

export interface WholeRequestsOptions {
  messages: MessagesResponder;
  broker: Broker;
  clock: Clock;
  log: EmulatorLog;
  /** The server's base URL (HostId of error documents), known once it listens. */
  hostId: () => string;
  keepAliveSeconds: number;
  /** A request starts / has been answered (the server's drain waits for every one). */
  begin: () => void;
  served: () => void;
}

export class WholeRequests {
  constructor(private readonly options: WholeRequestsOptions) {}

  serve(connection: FastLaneConnection, head: FastRequestHead, body: Buffer): void {
    const options = this.options;
    options.begin();
    const started = options.log.enabled ? performance.now() : 0;
    const requestId = newRequestId(options.clock.now());
    const url = head.url;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const state: ServeState = { errorCode: '', fault: undefined, handles: undefined };
    let answer: Reply | undefined | Promise<Reply | undefined>;
    try {
      answer = options.messages.respondWhole(
        head,
        connection.socket.remoteAddress,
        body,
        connection,
        path,
        rawQuery,
        requestId,
        state,
      );
    } catch (err) {
      answer = failureReply(
        err,
        options.log,
        head.method,
        path,
        requestId,
        state,
        options.hostId(),
      );
    }
    if (answer instanceof Promise) {
      answer.then(
        (reply) => this.answer(connection, head, reply, requestId, state, started),
        (err: unknown) => {
          const hostId = options.hostId();
          const reply = failureReply(err, options.log, head.method, path, requestId, state, hostId);
          this.answer(connection, head, reply, requestId, state, started);
        },
      );
    } else {
      this.answer(connection, head, answer, requestId, state, started);
    }
  }

  private answer(
    connection: FastLaneConnection,
    head: FastRequestHead,
    reply: Reply | undefined,
    requestId: string,
    state: ServeState,
    started: number,
  ): void {
    const { broker, log } = this.options;
    if (reply === undefined) {
      // Nobody to answer (the client left during a long poll).
      connection.drop();
      logRequest(log, head.method, head.url, undefined, state, started, requestId);
      this.options.served();
      return;
    }
    broker.commits.atTurnEnd((error) => {
      const sent =
        error === undefined
          ? reply
          : commitFailed(log, error, requestId, state, this.options.hostId());
      const handles = state.handles;
      connection.answer(
        replyText(sent, this.options.keepAliveSeconds),
        sent.closeConnection,
        // Messages whose answer could not be written are ready again at once.
        handles === undefined ? undefined : () => returnUndelivered(broker, log, handles),
      );
      logRequest(log, head.method, head.url, sent.status, state, started, requestId);
      this.options.served();
    });
  }
}
