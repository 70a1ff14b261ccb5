/**
 * Where retained message bodies live. A message keeps a BodyRef: the body itself while it is held
 * in memory (memory mode: nothing to look up), or where it lies on disk (`--data-dir` mode: the heap
 * keeps a few numbers per message, the bytes are read back when the message is delivered).
 * Bodies may be text (the HTTP protocols) or bytes (gRPC); a body comes back as it was given.
 */
import type { DeferrableWrites } from './deferrable.writes.js';

/** A body written to a disk body store. */
export interface DiskBody {
  /** Position in the store (segment and offset, see DiskBodyStore). */
  readonly at: number;
  /** Length in bytes. */
  readonly bytes: number;
  /** Given as text (read back as a string) or as bytes (read back as a Uint8Array). */
  readonly text: boolean;
}

export type MessageBody = string | Uint8Array;
export type BodyRef = MessageBody | DiskBody;

/** How a disk body is written in the event log: `[at, bytes, text ? 1 : 0]`. */
export type DiskBodyRecord = [number, number, 0 | 1];

export interface BodyStore extends DeferrableWrites {
  /** True when bodies leave the heap (their references are logged instead of the bodies). */
  readonly onDisk: boolean;
  /** Keeps a body (written to disk before this returns when on disk and not `deferred`). */
  put(body: MessageBody): BodyRef;
  /** The body as it was given. */
  read(ref: BodyRef): MessageBody;
  /** One more holder of this body (a dead letter sharing the message's body). */
  retain(ref: BodyRef): void;
  /** A holder is gone (message dropped, dead letter purged): its space may be reclaimed. */
  release(ref: BodyRef): void;
  /** Rebuilds a reference from the event log (replay); counts it as held. */
  restore(record: DiskBodyRecord): BodyRef;
  /** After replay: reclaims space no replayed reference points to. */
  sweep(): void;
  close(): void;
}

/** Size of a body in bytes (UTF-8 for text; measured exactly only when it could matter). */
export function bodyBytes(body: BodyRef): number {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (body instanceof Uint8Array) return body.byteLength;
  return body.bytes;
}

export function isDiskBody(ref: BodyRef): ref is DiskBody {
  return typeof ref !== 'string' && !(ref instanceof Uint8Array);
}

export function diskRecord(ref: DiskBody): DiskBodyRecord {
  return [ref.at, ref.bytes, ref.text ? 1 : 0];
}

/** Memory mode: the reference is the body. */
export class MemoryBodyStore implements BodyStore {
  readonly onDisk = false;
  deferred = false;
  readonly hasPending = false;

  flush(): void {}

  discard(): void {}

  put(body: MessageBody): BodyRef {
    return body;
  }

  read(ref: BodyRef): MessageBody {
    if (isDiskBody(ref)) throw new Error('MemoryBodyStore: a disk body reference in memory mode');
    return ref;
  }

  retain(_ref: BodyRef): void {}

  release(_ref: BodyRef): void {}

  restore(_record: DiskBodyRecord): BodyRef {
    throw new Error('MemoryBodyStore: nothing to restore in memory mode');
  }

  sweep(): void {}

  close(): void {}
}
