/**
 * One connection of the fast lane (fast-lane.ts): reads whole requests from the socket, one at a
 * time, hands each to the lane, writes its answer as one string, and keeps the connection alive
 * between requests. The moment a request is not the lane's (its head says so, it is not whole in
 * what has arrived, a fault rule is armed…), the connection goes to node:http with every byte
 * read so far put back, once the answer in progress (if any) has been written: answers always
 * leave in request order, and node:http never sees half a request.
 */
import type { Socket } from 'node:net';
import type { AnswerChannel } from './answer.channel.js';
import { MAX_HEAD_BYTES, readRequestHead } from './fast-lane.head.js';
import type { FastRequestHead } from './fast-lane.head.js';

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** Bytes a client may send ahead while its request is being answered, before it is paused. */
const MAX_AHEAD_BYTES = 1024 * 1024;

/** What the lane gives its connections. */
export interface FastLaneHost {
  readonly maxBodyBytes: number;
  /** False when requests must go through node:http for now (e.g. a fault rule is armed). */
  readonly open: boolean;
  /** The server is stopping: no connection is kept alive after its answer. */
  readonly stopping: boolean;
  /** Serves one whole request; the answer comes back through `connection.answer` or `.drop`. */
  serve(connection: FastLaneConnection, head: FastRequestHead, body: Buffer): void;
  /** Gives the socket to node:http (its 'connection' listener), bytes already put back. */
  handOver(socket: Socket): void;
  /** The connection is closed or handed over: forget it. */
  release(connection: FastLaneConnection): void;
}

export class FastLaneConnection implements AnswerChannel {
  /** Bytes received and not yet taken by a request (undefined: none). */
  private pending: Buffer | undefined;
  /**
   * Chunks that arrived while a request was being answered, joined once when it is done: a client
   * sending byte by byte behind a long poll must not cost a copy of everything so far per byte.
   */
  private ahead: Buffer[] = [];
  private aheadBytes = 0;
  /** A request is being answered; the next one waits in `pending`. */
  private busy = false;
  /** The client sent its FIN: what is being answered is the last. */
  private ended = false;
  private paused = false;
  private goneListener: (() => void) | undefined;
  /** performance.now() when the connection came or its last answer was written (the lane's sweep). */
  lastActive = performance.now();
  /** Some request was answered: idle now means kept alive, not waiting for a first request. */
  answered = false;

  private readonly onData = (chunk: Buffer): void => {
    if (!this.busy) {
      // Not busy: nothing is pending (each request is served or handed over as soon as it came).
      this.pending = chunk;
      this.next();
      return;
    }
    this.ahead.push(chunk);
    this.aheadBytes += chunk.length;
    if (this.aheadBytes > MAX_AHEAD_BYTES && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    if (this.busy) this.notifyGone();
    else this.socket.end();
  };
  private readonly onClose = (): void => {
    this.notifyGone();
    this.detach(false);
    this.host.release(this);
  };
  // A reset or write error: 'close' follows and does the rest.
  private readonly onError = (): void => undefined;

  constructor(
    readonly socket: Socket,
    private readonly host: FastLaneHost,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  get idle(): boolean {
    return !this.busy;
  }

  gone(): boolean {
    const socket = this.socket;
    return this.ended || socket.destroyed || !socket.writable;
  }

  watchGone(listener: () => void): () => void {
    this.goneListener = listener;
    return () => {
      if (this.goneListener === listener) this.goneListener = undefined;
    };
  }

  /**
   * Writes the answer to the request being served (`data`: head and body, one string) and goes on
   * with the next one. `onLost` runs if the answer could not be written whole.
   */
  answer(data: string, closeAfter: boolean, onLost: (() => void) | undefined): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) {
      onLost?.();
      this.finish(true);
      return;
    }
    if (onLost === undefined) socket.write(data, 'utf8');
    else {
      socket.write(data, 'utf8', (err) => {
        if (err) onLost();
      });
    }
    this.finish(closeAfter);
  }

  /** Nothing to answer (the client left during a long poll): the connection is done. */
  drop(): void {
    this.finish(true);
  }

  /** Closes the connection when nothing is being answered; otherwise after the answer. */
  closeIdle(): void {
    if (!this.busy) this.socket.destroy();
  }

  private finish(close: boolean): void {
    this.busy = false;
    this.answered = true;
    this.lastActive = performance.now();
    this.goneListener = undefined;
    if (close || this.ended || this.host.stopping) {
      this.detach(false);
      this.host.release(this);
      this.socket.end();
      return;
    }
    if (this.aheadBytes > 0) {
      const chunks = this.pending === undefined ? this.ahead : [this.pending, ...this.ahead];
      this.pending = Buffer.concat(chunks);
      this.ahead = [];
      this.aheadBytes = 0;
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.pending !== undefined) this.next();
  }

  /** Serves the next request if it is whole and the lane's; otherwise hands the connection over. */
  private next(): void {
    const buffer = this.pending as Buffer;
    const headEnd = buffer.indexOf(HEAD_END);
    if (headEnd === -1 || headEnd > MAX_HEAD_BYTES || !this.host.open) {
      this.handOver();
      return;
    }
    const head = readRequestHead(buffer.toString('latin1', 0, headEnd), this.host.maxBodyBytes);
    const bodyEnd = headEnd + 4 + (head?.contentLength ?? 0);
    if (head === undefined || bodyEnd > buffer.length) {
      this.handOver();
      return;
    }
    const body = buffer.subarray(headEnd + 4, bodyEnd);
    this.pending = bodyEnd < buffer.length ? buffer.subarray(bodyEnd) : undefined;
    this.busy = true;
    this.host.serve(this, head, body);
  }

  private handOver(): void {
    const socket = this.socket;
    this.detach(true);
    this.host.release(this);
    // Back in front of whatever arrives next: node:http's parser reads it first. Its 'data'
    // listener flows the socket again (after a pause of ours too, once resumed below).
    if (this.pending !== undefined) socket.unshift(this.pending);
    this.pending = undefined;
    this.host.handOver(socket);
    if (this.paused) socket.resume();
  }

  /**
   * Stops listening. The error listener stays unless node:http takes the socket (it brings its
   * own): a socket we end may still see a reset, and an 'error' nobody listens to would crash.
   */
  private detach(handingOver: boolean): void {
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    if (handingOver) socket.off('error', this.onError);
  }

  private notifyGone(): void {
    const listener = this.goneListener;
    this.goneListener = undefined;
    listener?.();
  }
}
