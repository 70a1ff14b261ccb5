/**
 * Answers for what never becomes a request Node hands us (unparsable HTTP, oversized headers,
 * CONNECT): the cloud's 400 XML error written straight to the socket, then the socket ends.
 * Resets and timeouts, or a socket already answering a request, are just destroyed.
 */
import type { Socket } from 'node:net';
import {
  buildError,
  MQ_ERRORS,
  MQ_VERSION,
  newRequestId,
  REQUEST_ID_HEADER,
  XML_CONTENT_TYPE,
} from '../../protocol/index.js';
import type { Clock } from '../clock/clock.js';

/** Unparsable HTTP (bad request line, bad header bytes, oversized headers): answer in the cloud's format. */
export function answerClientError(
  err: NodeJS.ErrnoException,
  socket: Socket,
  clock: Clock,
  hostId: string,
): void {
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
    endWithError(
      socket,
      'InvalidArgument',
      'The HTTP request headers are too large.',
      clock,
      hostId,
    );
  } else {
    endWithError(socket, 'InvalidRequestURL', MQ_ERRORS.InvalidRequestURL.message, clock, hostId);
  }
}

/** Writes a 400 XML error straight to a socket Node's HTTP layer has given up on, then ends it. */
export function endWithError(
  socket: Socket,
  code: 'InvalidArgument' | 'InvalidRequestURL',
  message: string,
  clock: Clock,
  hostId: string,
): void {
  const requestId = newRequestId(clock.now());
  const xml = buildError({ code, message, requestId, hostId });
  socket.end(
    `HTTP/1.1 400 Bad Request\r\ncontent-type: ${XML_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(xml)}\r\n` +
      `${REQUEST_ID_HEADER}: ${requestId}\r\nx-mq-version: ${MQ_VERSION}\r\nconnection: close\r\n\r\n${xml}`,
  );
}
