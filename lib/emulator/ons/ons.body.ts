import type { IncomingMessage } from 'node:http';
import { ClientGoneError } from '../http/request.body.js';

const EMPTY = Buffer.alloc(0);

export interface OnsBody {
  /** The body, or empty when it is bigger than the keep limit (then only `size` matters). */
  bytes: Buffer;
  /** Bytes received (or announced, when not read because of the drain limit). */
  size: number;
  /** False when reading stopped at the drain limit: the rest is unread and the connection must close. */
  complete: boolean;
}

/**
 * Reads a request body, keeping at most `keepLimit` bytes and reading past it without buffering up
 * to `drainLimit`. The old samples write the whole body before they read the answer, so a body over
 * the 64 KB limit must be read to its end before the 400 goes out: answering early and closing
 * would hand the client EPIPE or a reset instead of BODY_TOO_BIG. Only bodies beyond `drainLimit`
 * (far from anything a client of this API sends) are left unread, and the connection then closes.
 */
export function readOnsBody(
  req: IncomingMessage,
  keepLimit: number,
  drainLimit: number,
): Promise<OnsBody> {
  const lengthHeader = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (lengthHeader === undefined || lengthHeader === '0')) {
    return Promise.resolve({ bytes: EMPTY, size: 0, complete: true });
  }
  const announced = lengthHeader === undefined ? 0 : Number(lengthHeader);
  if (announced > drainLimit) {
    return Promise.resolve({ bytes: EMPTY, size: announced, complete: false });
  }

  return new Promise<OnsBody>((resolve, reject) => {
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > drainLimit) {
        cleanup();
        req.pause();
        resolve({ bytes: EMPTY, size, complete: false });
        return;
      }
      if (size > keepLimit) chunks = undefined;
      else chunks?.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      let bytes: Buffer = EMPTY;
      if (chunks !== undefined && chunks.length > 0) {
        bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      }
      resolve({ bytes, size, complete: true });
    };
    const onGone = (): void => {
      cleanup();
      reject(new ClientGoneError());
    };
    const onClose = (): void => {
      if (!req.complete) onGone();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onClose);
  });
}
