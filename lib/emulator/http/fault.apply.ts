/**
 * How the HTTP front carries out a fault decision (lib/emulator/faults decides, this file acts).
 * Before acting: error, delay, reset-before. After acting: reset-after, drop, stall, trickle, each
 * applied to the reply the server built (success or error alike).
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MQErrorCode } from '../../protocol/index.js';
import type { FaultAction } from '../faults/fault.types.js';
import type { WireError } from './http.errors.js';
import { replyHeaders, writeReply } from './response.write.js';
import type { Reply } from './response.write.js';

/** Kinds applied to the answer once the server has acted. */
export function actsAfter(action: FaultAction): boolean {
  return (
    action.kind === 'drop' ||
    action.kind === 'stall' ||
    action.kind === 'trickle' ||
    (action.kind === 'reset' && action.when === 'after')
  );
}

/** The injected error as the wire error the front answers with. */
export function injectedError(action: Extract<FaultAction, { kind: 'error' }>): WireError {
  return {
    code: action.code as MQErrorCode,
    status: action.status ?? 500,
    message: action.message ?? action.code,
    closeConnection: false,
    internal: false,
  };
}

/**
 * Applies a delay or a reset before the server acts. Resolves true when the request should go on,
 * false when it must not be acted on (the connection was reset, or the client left during the delay).
 */
export async function beforeActing(
  action: FaultAction,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (action.kind === 'reset' && action.when === 'before') {
    reset(req);
    return false;
  }
  if (action.kind !== 'delay') return true;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, action.ms);
    res.once('close', done);
  });
  return !res.destroyed;
}

/** Sends (or withholds) the reply as the after-acting fault says. */
export function deliverFaulted(
  action: FaultAction,
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
): void {
  const socket = req.socket;
  if (res.headersSent || res.destroyed || socket.destroyed) return;
  switch (action.kind) {
    case 'reset':
      reset(req);
      return;
    case 'drop':
      // The server acted; the answer never comes. The socket stays open until the client leaves.
      return;
    case 'stall':
    case 'trickle': {
      // Raw bytes: the status line and headers now; the rest never (stall) or byte by byte.
      // An answer without a body has no "rest" but the blank line that ends its headers.
      // `connection: close`: Node still holds the response open, so the socket cannot carry another.
      const head = rawHead({ ...reply, closeConnection: true });
      const rest = reply.body === undefined ? Buffer.from('\r\n') : reply.body;
      socket.write(reply.body === undefined ? head : head + '\r\n');
      if (action.kind === 'trickle') trickle(socket, rest, action.intervalMs);
      return;
    }
    default:
      writeReply(res, reply);
  }
}

/** RST instead of FIN: the client sees ECONNRESET, as with a crashed peer or a broken proxy. */
function reset(req: IncomingMessage): void {
  const socket = req.socket;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

function rawHead(reply: Reply): string {
  let head = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Unknown'}\r\n`;
  head += `date: ${new Date().toUTCString()}\r\n`;
  for (const [name, value] of Object.entries(replyHeaders(reply))) head += `${name}: ${value}\r\n`;
  return head;
}

function trickle(socket: IncomingMessage['socket'], rest: Buffer, intervalMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) {
      clearInterval(timer);
      return;
    }
    socket.write(rest.subarray(at, at + 1));
    if (++at >= rest.length) {
      clearInterval(timer);
      socket.end();
    }
  }, intervalMs);
  // The socket keeps the process alive while it is open; the timer alone must not.
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}
