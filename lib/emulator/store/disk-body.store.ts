/**
 * Message bodies on disk, for `--data-dir` mode: `<dataDir>/bodies/NNNNNNNN.seg`, append-only
 * segment files. A body is written (write(2), in the OS before the publish is answered, like the
 * event log) and the message keeps its position; it is read back when delivered or peeked.
 * Each segment counts the references to it (messages, dead letters); a segment nobody references
 * any more is deleted, so disk use follows what is retained.
 *
 * Crash safety: a body is written before the event that references it, so a kill -9 in between
 * leaves unreferenced bytes, never a reference to missing bytes. Writes after a restart go to a
 * new segment, never after a possibly torn tail. With group commit (`deferred`, see
 * group.commit.ts) the bodies of one event-loop turn are kept and written by one pwritev(2) in
 * flush(), which runs before the event log's flush; a body still kept is written out before it is
 * read.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import { isDiskBody } from './body.store.js';
import type { BodyRef, BodyStore, DiskBody, DiskBodyRecord, MessageBody } from './body.store.js';

/** A new segment is started once the current one holds this much (a bigger body still fits). */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** `at` = segment × SPAN + offset: exact in a double for 2^21 segments of up to 4 GiB. */
const SPAN = 2 ** 32;
const SEGMENT_NAME = /^(\d{8})\.seg$/;

interface Segment {
  fd: number | undefined;
  refs: number;
}

export class DiskBodyStore implements BodyStore {
  readonly onDisk = true;
  deferred = false;
  readonly dir: string;
  private readonly segments = new Map<number, Segment>();
  private current = -1;
  /** Bytes of the current segment, kept ones included. */
  private currentSize = 0;
  /** Bodies put but not written yet (group commit), all in the current segment from `pendingAt`. */
  private pending: Uint8Array[] = [];
  private pendingAt = 0;
  private nextIndex = 0;
  /** Until sweep(): replay may drop every reference to a segment a later event uses again. */
  private restoring = true;

  constructor(
    dataDir: string,
    private readonly segmentBytes = DEFAULT_SEGMENT_BYTES,
  ) {
    this.dir = join(dataDir, 'bodies');
    mkdirSync(this.dir, { recursive: true });
    for (const name of readdirSync(this.dir)) {
      const match = SEGMENT_NAME.exec(name);
      if (match === null) continue;
      const index = Number(match[1]);
      this.segments.set(index, { fd: undefined, refs: 0 });
      this.nextIndex = Math.max(this.nextIndex, index + 1);
    }
  }

  put(body: MessageBody): BodyRef {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (
      this.current < 0 ||
      (this.currentSize > 0 && this.currentSize + bytes.length > this.segmentBytes)
    ) {
      this.roll();
    }
    const segment = this.segments.get(this.current)!;
    const offset = this.currentSize;
    if (this.pending.length === 0) this.pendingAt = offset;
    this.pending.push(bytes);
    this.currentSize += bytes.length;
    segment.refs++;
    if (!this.deferred) this.flush();
    return {
      at: this.current * SPAN + offset,
      bytes: bytes.length,
      text: typeof body === 'string',
    };
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const buffers = this.pending;
    const fd = this.segments.get(this.current)!.fd!;
    let position = this.pendingAt;
    // Cleared first: a failed write is reported to whoever waits, never retried half done.
    this.pending = [];
    let total = 0;
    for (const b of buffers) total += b.length;
    let written = writevSync(fd, buffers, position);
    if (written < total) {
      // A short write (rare on a regular file): the rest from where it stopped.
      const rest = Buffer.concat(buffers).subarray(written);
      position += written;
      written = 0;
      while (written < rest.length) {
        written += writevSync(fd, [rest.subarray(written)], position + written);
      }
    }
  }

  discard(): void {
    this.pending = [];
  }

  read(ref: BodyRef): MessageBody {
    if (!isDiskBody(ref)) return ref;
    const index = Math.floor(ref.at / SPAN);
    // A body still kept by group commit: write it out first, then read it as any other.
    if (index === this.current && ref.at % SPAN >= this.pendingAt && this.hasPending) this.flush();
    const buffer = Buffer.allocUnsafe(ref.bytes);
    const fd = this.fdOf(index);
    let read = 0;
    while (read < ref.bytes) {
      const n = readSync(fd, buffer, read, ref.bytes - read, (ref.at % SPAN) + read);
      if (n === 0) throw new Error(`DiskBodyStore: segment ${this.file(index)} is truncated`);
      read += n;
    }
    return ref.text ? buffer.toString('utf8') : buffer;
  }

  retain(ref: BodyRef): void {
    if (isDiskBody(ref)) this.segmentOf(ref).refs++;
  }

  release(ref: BodyRef): void {
    if (!isDiskBody(ref)) return;
    const index = Math.floor(ref.at / SPAN);
    const segment = this.segments.get(index);
    if (segment === undefined) return;
    if (--segment.refs === 0 && index !== this.current && !this.restoring) this.remove(index);
  }

  restore(record: DiskBodyRecord): BodyRef {
    const ref: DiskBody = { at: record[0], bytes: record[1], text: record[2] === 1 };
    this.segmentOf(ref).refs++;
    return ref;
  }

  sweep(): void {
    this.restoring = false;
    for (const [index, segment] of [...this.segments]) {
      if (segment.refs <= 0 && index !== this.current) this.remove(index);
    }
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.closeFds();
    }
  }

  private closeFds(): void {
    for (const segment of this.segments.values()) {
      if (segment.fd !== undefined) closeSync(segment.fd);
      segment.fd = undefined;
    }
  }

  /** Segment files in use (for tests).*/
  segmentCount(): number {
    return this.segments.size;
  }

  private roll(): void {
    // Kept bodies belong to the segment being left.
    this.flush();
    const previous = this.current;
    this.current = this.nextIndex++;
    this.currentSize = 0;
    this.segments.set(this.current, { fd: openSync(this.file(this.current), 'w+'), refs: 0 });
    if (previous >= 0 && this.segments.get(previous)!.refs === 0 && !this.restoring) {
      this.remove(previous);
    }
  }

  private segmentOf(ref: DiskBody): Segment {
    const index = Math.floor(ref.at / SPAN);
    const segment = this.segments.get(index);
    if (segment === undefined) {
      throw new Error(
        `DiskBodyStore: the event log references ${this.file(index)}, which does not exist`,
      );
    }
    return segment;
  }

  private fdOf(index: number): number {
    const segment = this.segments.get(index);
    if (segment === undefined) {
      throw new Error(`DiskBodyStore: no segment ${this.file(index)} (the message is gone)`);
    }
    segment.fd ??= openSync(this.file(index), 'r');
    return segment.fd;
  }

  private remove(index: number): void {
    const segment = this.segments.get(index);
    if (segment?.fd !== undefined) closeSync(segment.fd);
    this.segments.delete(index);
    const file = this.file(index);
    if (existsSync(file)) unlinkSync(file);
  }

  private file(index: number): string {
    return join(this.dir, `${String(index).padStart(8, '0')}.seg`);
  }
}
