/**
 * What a @grpc/grpc-js server call does not offer publicly and fault injection needs: the call's
 * HTTP/2 stream, to reset it (RST_STREAM) or to write an answer's bytes slowly, and the status path
 * that ends the call after such raw writes. grpc-js (1.10 and later) keeps them on its "intercepting
 * call": the handler's call object holds it as `call`, each server interceptor wraps the next one
 * as `nextCall`, and the innermost one holds the `stream`. Read defensively: when the shape is not
 * there (another grpc-js), `callInternals` answers undefined and the caller says so in the log. The
 * gRPC fault tests exercise every path, so an upgrade that moves these fields fails them.
 */
import { constants, type ServerHttp2Stream } from 'node:http2';

interface InterceptingCall {
  sendStatus(status: { code: number; details: string; metadata: null }): void;
}

export interface CallInternals {
  readonly stream: ServerHttp2Stream;
  /** Ends the call with this status, through grpc-js (trailers after whatever was written). */
  sendStatus(code: number, details: string): void;
}

/** Interceptor layers walked at most (the emulator installs none). */
const MAX_DEPTH = 8;

export function callInternals(call: object): CallInternals | undefined {
  const head = (call as { call?: unknown }).call;
  if (!isInterceptingCall(head)) return undefined;
  let node: unknown = head;
  for (let depth = 0; depth < MAX_DEPTH && typeof node === 'object' && node !== null; depth++) {
    const stream = (node as { stream?: unknown }).stream;
    if (isServerStream(stream)) {
      return {
        stream,
        sendStatus: (code, details) => head.sendStatus({ code, details, metadata: null }),
      };
    }
    node = (node as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

/** RST_STREAM with INTERNAL_ERROR: the client's call fails with gRPC INTERNAL; the connection lives on. */
export function resetStream(internals: CallInternals): void {
  if (!internals.stream.destroyed) internals.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
}

function isInterceptingCall(value: unknown): value is InterceptingCall {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as InterceptingCall).sendStatus === 'function'
  );
}

function isServerStream(value: unknown): value is ServerHttp2Stream {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as ServerHttp2Stream;
  return (
    typeof s.close === 'function' &&
    typeof s.respond === 'function' &&
    typeof s.write === 'function'
  );
}
