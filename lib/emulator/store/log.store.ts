/**
 * Append-only JSON-lines event log in `<dataDir>/events.log`.
 *
 * Durability model: every append is a synchronous write(2) before the broker answers, so once a
 * response has been sent the bytes are in the OS page cache and survive kill -9 of the emulator.
 * With group commit (`deferred`, see group.commit.ts) the appends of one event-loop turn are kept
 * and written by one write(2) in flush(), before any of the answers that depend on them is sent.
 * There is no fsync per event: surviving power loss or a kernel crash is out of scope for a
 * development emulator (fsync per message would cost orders of magnitude in throughput).
 * A crash can tear only the last line; load() ignores an unparsable final line.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { BrokerEvent, Store } from './store.js';

const LOG_FILE = 'events.log';
/** Holds the pid of the process using the directory: two writers would corrupt the log. */
const LOCK_FILE = 'emulator.pid';

export class LogStore implements Store {
  readonly persistent = true;
  deferred = false;
  readonly file: string;
  /** Appended lines not yet written (group commit). */
  private pending = '';
  private readonly lockFile: string;
  private fd: number | undefined;
  private locked = false;

  constructor(readonly dataDir: string) {
    if (typeof dataDir !== 'string' || dataDir === '') {
      throw new TypeError('LogStore: dataDir must be a non-empty directory path');
    }
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, LOG_FILE);
    this.lockFile = join(dataDir, LOCK_FILE);
    this.lock();
  }

  /**
   * Refuses a directory another live process is using. A lock left by a killed process (its pid
   * is gone) is taken over, so a restart after kill -9 just works.
   */
  private lock(): void {
    if (existsSync(this.lockFile)) {
      const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `LogStore: data directory ${this.dataDir} is in use by another emulator (pid ${pid}); stop it or use another --data-dir`,
        );
      }
    }
    writeFileSync(this.lockFile, String(process.pid));
    this.locked = true;
  }

  load(): BrokerEvent[] {
    if (!existsSync(this.file)) return [];
    const text = readFileSync(this.file, 'utf8');
    const events: BrokerEvent[] = [];
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      const complete = end !== -1;
      if (!complete) end = text.length;
      lineNo++;
      const line = text.slice(start, end);
      start = end + 1;
      if (line === '') continue;
      try {
        events.push(JSON.parse(line) as BrokerEvent);
      } catch (err) {
        // Only the last line can be torn by a crash mid-write; anything else is real corruption.
        if (!complete || start >= text.length) break;
        throw new Error(
          `LogStore: ${this.file} line ${lineNo} is not valid JSON (${(err as Error).message})`,
        );
      }
    }
    return events;
  }

  append(e: BrokerEvent): void {
    this.pending += JSON.stringify(e) + '\n';
    if (!this.deferred) this.flush();
  }

  appendAll(events: BrokerEvent[]): void {
    for (const e of events) this.pending += JSON.stringify(e) + '\n';
    if (!this.deferred) this.flush();
  }

  get hasPending(): boolean {
    return this.pending !== '';
  }

  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    // Cleared first: a failed write is reported to whoever waits, never retried with torn halves.
    this.pending = '';
    this.write(text);
  }

  discard(): void {
    this.pending = '';
  }

  compact(events: BrokerEvent[]): void {
    // Kept appends go to the old log first: until the rename, it alone must be complete.
    this.flush();
    this.closeFd();
    const tmp = this.file + '.tmp';
    const fd = openSync(tmp, 'w');
    try {
      let chunk = '';
      for (const e of events) {
        chunk += JSON.stringify(e) + '\n';
        if (chunk.length > 1 << 20) {
          writeAllSync(fd, chunk);
          chunk = '';
        }
      }
      if (chunk !== '') writeAllSync(fd, chunk);
      // Compaction replaces history, so make the new file durable before it takes the old one's place.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.closeFd();
    }
    if (this.locked) {
      this.locked = false;
      try {
        unlinkSync(this.lockFile);
      } catch {
        // Already gone (directory removed): nothing to release.
      }
    }
  }

  private write(text: string): void {
    if (this.fd === undefined) this.fd = openSync(this.file, 'a');
    writeAllSync(this.fd, text);
  }

  private closeFd(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeAllSync(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
