/**
 * One gRPC call made by hand over node:http2, for tests that must see the HTTP/2 exchange itself
 * (when the headers came, each DATA chunk, the trailers, a RST_STREAM) rather than what a gRPC
 * client makes of it. Requests are serialized with the shared lib/protocol-grpc definitions.
 */
import { connect, constants } from 'node:http2';
import type { Metadata } from '@grpc/grpc-js';
import { loadMessagingService, MESSAGING_SERVICE_PATH } from '../../../lib/protocol-grpc/index.js';

export interface Http2Exchange {
  /** Response headers (undefined when the call ended without any, e.g. reset or trailers-only). */
  headers: Record<string, unknown> | undefined;
  /** DATA chunks in arrival order. */
  chunks: Buffer[];
  /** Trailers (or the headers of a trailers-only answer); undefined when the stream was reset. */
  trailers: Record<string, unknown> | undefined;
  /** RST_STREAM code (0 when the stream ended normally). */
  rstCode: number;
  /** Responses decoded from the DATA bytes. */
  responses: Record<string, any>[];
}

export function http2Call(
  endpoint: string,
  method: string,
  request: object,
  metadata: Metadata,
  timeoutMs: number,
): Promise<Http2Exchange> {
  const def = loadMessagingService()[method]!;
  const bytes = def.requestSerialize(request);
  const frame = Buffer.alloc(5 + bytes.length);
  frame.writeUInt32BE(bytes.length, 1);
  bytes.copy(frame, 5);
  const session = connect(`http://${endpoint}`);
  session.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ...metadata.toHttp2Headers(),
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: MESSAGING_SERVICE_PATH + method,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${timeoutMs}m`,
    });
    const exchange: Http2Exchange = {
      headers: undefined,
      chunks: [],
      trailers: undefined,
      rstCode: 0,
      responses: [],
    };
    stream.on('response', (headers) => {
      // A trailers-only answer carries grpc-status in its only header block.
      if (headers['grpc-status'] !== undefined) exchange.trailers = { ...headers };
      else exchange.headers = { ...headers };
    });
    stream.on('data', (chunk: Buffer) => exchange.chunks.push(chunk));
    stream.on('trailers', (trailers) => (exchange.trailers = { ...trailers }));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      exchange.rstCode = stream.rstCode ?? 0;
      exchange.responses = decode(Buffer.concat(exchange.chunks), def.responseDeserialize);
      session.close();
      resolve(exchange);
    });
    stream.end(frame, (err?: Error | null) => {
      if (err) reject(err);
    });
  });
}

function decode(bytes: Buffer, deserialize: (b: Buffer) => unknown): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  let at = 0;
  while (at + 5 <= bytes.length) {
    const length = bytes.readUInt32BE(at + 1);
    out.push(deserialize(bytes.subarray(at + 5, at + 5 + length)) as Record<string, any>);
    at += 5 + length;
  }
  return out;
}
