/**
 * How an MQ reply leaves the server: at the end of the event-loop turn, once the writes it vouches
 * for are in the OS (GroupCommit; it also batches the turn's answers, in memory mode too), then
 * written, or handed to an after-acting fault. Deliveries whose answer never left go back to ready.
 * Module functions: http.server.ts calls them once per answered request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Broker } from '../broker/broker.js';
import { actsAfter, deliverFaulted } from './fault.apply.js';
import { toWireError } from './http.errors.js';
import { describeFault } from './http.log.js';
import type { EmulatorLog } from './http.log.js';
import type { ServeState } from './request.log.js';
import { errorReply, replyAnswer, writeReply } from './response.write.js';
import type { Reply } from './response.write.js';

/**
 * Resolves at the end of the event-loop turn, once the writes made so far are in the OS (see
 * GroupCommit), with the reply; an InternalError reply instead if they could not be written.
 */
export function replyAtTurnEnd(
  broker: Broker,
  log: EmulatorLog,
  reply: Reply,
  requestId: string,
  state: ServeState,
  hostId: string,
): Promise<Reply> {
  return new Promise((resolve) =>
    broker.commits.atTurnEnd((error) => {
      resolve(error === undefined ? reply : commitFailed(log, error, requestId, state, hostId));
    }),
  );
}

/** The answer instead of a reply whose writes could not be made (see GroupCommit). */
export function commitFailed(
  log: EmulatorLog,
  error: unknown,
  requestId: string,
  state: ServeState,
  hostId: string,
): Reply {
  log.warn(
    `InternalError: the data directory could not be written (request ${requestId}): ${describeFault(error)}`,
  );
  const wire = toWireError(error);
  state.errorCode = wire.code;
  // Messages handed to a consume stay in flight until their invisibility ends, as with any
  // answer that is lost.
  state.handles = undefined;
  return errorReply(wire, requestId, hostId);
}

/** Writes the reply, or lets an after-acting fault decide what the client gets. */
export function deliverReply(
  broker: Broker,
  log: EmulatorLog,
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
  if (!written) returnUndelivered(broker, log, handles);
  else {
    res.once('close', () => {
      if (!res.writableFinished) returnUndelivered(broker, log, handles);
    });
  }
}

/** Messages whose answer never reached the client: ready again at once, attempt uncounted. */
export function returnUndelivered(broker: Broker, log: EmulatorLog, handles: string[]): void {
  const released = broker.release(handles);
  if (released > 0) {
    log.debug(`client gone: ${released} undelivered message(s) ready again`);
  }
}
