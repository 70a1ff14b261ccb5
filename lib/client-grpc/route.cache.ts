/**
 * Topic routes (QueryRoute): the message queues of a topic, with their broker and permission.
 * Receives and sends name a queue of the route, as the official clients do; the proxy uses its
 * broker to pick where to pop from. Cached for 30 s; a stale route is used while a refresh runs in
 * the background (no timer), and concurrent lookups of one topic share one query.
 */
import type { MessageQueue } from '../protocol-grpc/grpc.types.js';

const ROUTE_TTL_MS = 30_000;

export class TopicRoute {
  private readIndex = Math.floor(Math.random() * 1024);
  private writeIndex = Math.floor(Math.random() * 1024);
  readonly readable: MessageQueue[];
  readonly writable: MessageQueue[];

  constructor(
    readonly queues: MessageQueue[],
    readonly fetchedAt: number,
  ) {
    this.readable = queues.filter((q) => q.permission === 'READ' || q.permission === 'READ_WRITE');
    this.writable = queues.filter((q) => q.permission === 'WRITE' || q.permission === 'READ_WRITE');
    // A route without permissions (an older proxy): every queue serves both.
    if (this.readable.length === 0) this.readable = queues;
    if (this.writable.length === 0) this.writable = queues;
  }

  /** Receives rotate over the readable queues (one per broker in a cluster). */
  nextReadable(): MessageQueue {
    return this.readable[this.readIndex++ % this.readable.length]!;
  }

  nextWritable(): MessageQueue {
    return this.writable[this.writeIndex++ % this.writable.length]!;
  }
}

export class RouteCache {
  private readonly routes = new Map<string, TopicRoute>();
  private readonly pending = new Map<string, Promise<TopicRoute>>();

  constructor(
    private readonly query: (topic: string) => Promise<MessageQueue[]>,
    private readonly onRefreshError: (topic: string, error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get(topic: string): TopicRoute | Promise<TopicRoute> {
    const route = this.routes.get(topic);
    if (route === undefined) return this.fetch(topic);
    if (this.now() - route.fetchedAt > ROUTE_TTL_MS && !this.pending.has(topic)) {
      this.fetch(topic).catch((error: unknown) => this.onRefreshError(topic, error));
    }
    return route;
  }

  private fetch(topic: string): Promise<TopicRoute> {
    let pending = this.pending.get(topic);
    if (pending === undefined) {
      pending = this.query(topic)
        .then((queues) => {
          const route = new TopicRoute(queues, this.now());
          this.routes.set(topic, route);
          return route;
        })
        .finally(() => this.pending.delete(topic));
      this.pending.set(topic, pending);
    }
    return pending;
  }
}
