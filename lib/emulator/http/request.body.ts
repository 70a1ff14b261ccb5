import type { IncomingMessage } from 'node:http';
import { MQRequestError } from './http.errors.js';

const EMPTY = Buffer.alloc(0);

/** The client went away while its request body was arriving; there is nobody to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('client closed the connection before its request body was read');
    this.name = 'ClientGoneError';
  }
}

/**
 * Reads the whole request body (DELETE carries one too, PROTOCOL.md §1.6) up to `limit` bytes.
 * A body announced or found to be bigger is refused without buffering the rest; the error asks for
 * the connection to be closed because the unread remainder would poison keep-alive.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const lengthHeader = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (lengthHeader === undefined || lengthHeader === '0'))
    return Promise.resolve(EMPTY);
  if (lengthHeader !== undefined && Number(lengthHeader) > limit)
    return Promise.reject(tooLarge(limit));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Stop reading; the connection is closed after the error response is sent.
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(
        chunks.length === 1
          ? chunks[0]!
          : chunks.length === 0
            ? EMPTY
            : Buffer.concat(chunks, size),
      );
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

function tooLarge(limit: number): MQRequestError {
  return new MQRequestError(
    'InvalidArgument',
    `The value of request body should between 0 and ${limit} bytes.`,
    true,
  );
}
