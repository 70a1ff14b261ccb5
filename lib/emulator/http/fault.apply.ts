/**
 * How the HTTP/1.1 fronts (MQ HTTP protocol and the ONS API) carry out a fault decision
 * (lib/emulator/faults decides, this file acts). Before acting: delay, reset-before (an injected
 * error is each front's own document). After acting: reset-after, drop, stall, trickle, each applied
 * to the answer the server built (success or error alike).
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MQErrorCode } from '../../protocol/index.js';
import { mqCodeFor } from '../faults/fault.codes.js';
import type { FaultAction } from '../faults/fault.types.js';

export { actsAfter } from '../faults/fault.types.js';
import type { WireError } from './http.errors.js';

/** A complete HTTP answer, built before anything is written (so that a fault can decide how it goes out). */
export interface HttpAnswer {
  status: number;
  /** Every header but `date` (a `connection: close` among them closes the connection after it). */
  headers: Record<string, string | number>;
  /** Undefined: no body (204). */
  body: Buffer | undefined;
}

/** Writes the answer as is; false when the response can no longer be written (client gone). */
export function writeAnswer(res: ServerResponse, answer: HttpAnswer): boolean {
  if (res.headersSent || res.destroyed) return false;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
  return true;
}

/** The injected error as the MQ front's wire error (a code of another protocol maps by status). */
export function injectedError(action: Extract<FaultAction, { kind: 'error' }>): WireError {
  const { code, status } = mqCodeFor(action);
  return {
    code: code as MQErrorCode,
    status,
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

/** Sends (or withholds) the answer as the after-acting fault says. */
export function deliverFaulted(
  action: FaultAction,
  req: IncomingMessage,
  res: ServerResponse,
  answer: HttpAnswer,
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
      const head = rawHead(answer);
      const rest = answer.body === undefined ? Buffer.from('\r\n') : answer.body;
      socket.write(answer.body === undefined ? head : head + '\r\n');
      if (action.kind === 'trickle') trickle(socket, rest, action.intervalMs);
      return;
    }
    default:
      writeAnswer(res, answer);
  }
}

/** RST instead of FIN: the client sees ECONNRESET, as with a crashed peer or a broken proxy. */
function reset(req: IncomingMessage): void {
  const socket = req.socket;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/** The status line and headers, `connection: close` included, without the blank line that ends them. */
function rawHead(answer: HttpAnswer): string {
  let head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}\r\n`;
  head += `date: ${new Date().toUTCString()}\r\n`;
  for (const [name, value] of Object.entries({ ...answer.headers, connection: 'close' })) {
    head += `${name}: ${value}\r\n`;
  }
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
