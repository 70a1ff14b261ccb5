/**
 * The fast lane of the HTTP front: plain MQ protocol requests (publish, consume, ack — what
 * clients send tens of thousands of times a second) are read and answered straight on the socket,
 * without node:http's per-request objects, streams and timers, which cost the emulator about a
 * fifth of its CPU per publish. Every connection starts here; the first request that is not
 * plainly the lane's (admin API, console, ONS, `GET /`, Expect, chunked or oversized bodies,
 * anything malformed, any request while a fault rule is armed) hands the connection to node:http
 * for the rest of its life, with the bytes already read put back, so node:http's parser, limits,
 * timeouts and error answers apply to it exactly as before.
 *
 * Installed in front of node:http's own 'connection' listener on the same server: listening,
 * closing and connection counting stay node:http's; the lane tracks its own connections only to
 * close them when the server stops.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { FastLaneConnection } from './fast-lane.connection.js';
import type { FastLaneHost } from './fast-lane.connection.js';
import type { FastRequestHead } from './fast-lane.head.js';

export interface FastLaneOptions {
  maxBodyBytes: number;
  /** node:http's keepAliveTimeout: a connection idle after an answer is closed after it. */
  keepAliveMs: number;
  /** node:http's headersTimeout: a new connection that sends nothing is closed after it. */
  headersTimeoutMs: number;
  /** How often idle connections are looked at (node:http's connectionsCheckingInterval). */
  sweepIntervalMs: number;
  /** False while requests must all go through node:http (a fault rule is armed). */
  open: () => boolean;
  serve: (connection: FastLaneConnection, head: FastRequestHead, body: Buffer) => void;
}

export class FastLane implements FastLaneHost {
  readonly maxBodyBytes: number;
  stopping = false;
  private readonly connections = new Set<FastLaneConnection>();
  private readonly nodeConnection: (socket: Socket) => void;
  /**
   * Idle connections are closed by one sweep for all (set while there are connections), not by a
   * timer per socket armed after every answer: 1,000 parked long polls cost no timer each.
   */
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly server: Server,
    private readonly options: FastLaneOptions,
  ) {
    this.maxBodyBytes = options.maxBodyBytes;
    // node:http's listener, registered by its constructor: every socket the lane gives up goes
    // to it, as if it had just been accepted.
    const [nodeConnection] = server.listeners('connection') as ((socket: Socket) => void)[];
    if (nodeConnection === undefined)
      throw new Error('node:http registered no connection listener');
    this.nodeConnection = nodeConnection;
    server.removeListener('connection', nodeConnection);
    server.on('connection', (socket: Socket) => this.adopt(socket));
  }

  get open(): boolean {
    return this.options.open();
  }

  serve(connection: FastLaneConnection, head: FastRequestHead, body: Buffer): void {
    this.options.serve(connection, head, body);
  }

  handOver(socket: Socket): void {
    this.nodeConnection.call(this.server, socket);
  }

  release(connection: FastLaneConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** No connection is kept alive any more; idle ones close now, busy ones after their answer. */
  stop(): void {
    this.stopping = true;
    for (const connection of this.connections) connection.closeIdle();
  }

  /** Destroys every connection of the lane, busy or not. */
  destroyAll(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  private adopt(socket: Socket): void {
    if (this.stopping) {
      this.handOver(socket);
      return;
    }
    this.connections.add(new FastLaneConnection(socket, this));
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(this.sweep, this.options.sweepIntervalMs);
      this.sweeper.unref();
    }
  }

  /** Closes what node:http would: connections idle past keep-alive, or silent since they came. */
  private readonly sweep = (): void => {
    const now = performance.now();
    const { keepAliveMs, headersTimeoutMs } = this.options;
    for (const connection of this.connections) {
      if (!connection.idle) continue;
      const limit = connection.answered ? keepAliveMs : headersTimeoutMs;
      if (now - connection.lastActive > limit) connection.socket.destroy();
    }
  };
}
