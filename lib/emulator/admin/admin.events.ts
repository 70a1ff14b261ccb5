/**
 * The console's live stream (`GET /_emulator/events`, server-sent events). The broker can change
 * tens of thousands of times a second; the stream does not forward each change. It batches: at
 * most every FLUSH_MS it sends one `change` event with the emulator time, the traffic totals and
 * up to MAX_EVENTS_PER_FLUSH recent message events (`more` counts the rest). Nothing runs and
 * nothing is kept while nobody listens; slow listeners are dropped instead of buffered.
 */
import type { ServerResponse } from 'node:http';
import type { ActivityTap } from '../activity/activity.tap.js';
import type { BrokerEvent } from '../store/store.js';
import { AdminHttpError } from './admin.json.js';

const FLUSH_MS = 250;
const KEEPALIVE_MS = 15_000;
const MAX_EVENTS_PER_FLUSH = 50;
const MAX_LISTENERS = 16;
/** A listener that has this much unsent data is too slow for a live view: it is disconnected. */
const MAX_BACKLOG_BYTES = 256 * 1024;

/** One message event as the stream shows it. */
export interface FeedEvent {
  kind: string;
  instanceId: string;
  topic: string;
  messageId?: string;
  group?: string;
  attempt?: number;
}

export class LiveFeed {
  private readonly listeners = new Set<ServerResponse>();
  private pending: BrokerEvent[] = [];
  private more = 0;
  private changed = false;
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private closed = false;

  constructor(
    private readonly tap: ActivityTap,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Something changed that is not a broker event (the clock moved). */
  touch(): void {
    if (this.listeners.size > 0) this.changed = true;
  }

  attach(res: ServerResponse): void {
    if (this.closed) throw new AdminHttpError(503, 'Stopping', 'the emulator is stopping');
    if (this.listeners.size >= MAX_LISTENERS) {
      throw new AdminHttpError(
        429,
        'TooManyStreams',
        `at most ${MAX_LISTENERS} live streams at a time; close another console tab`,
      );
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.socket?.setNoDelay(true);
    this.listeners.add(res);
    res.once('close', () => this.detach(res));
    this.write(res, `retry: 2000\nevent: hello\ndata: ${JSON.stringify(this.snapshot([]))}\n\n`);
    if (this.listeners.size === 1) {
      this.tap.onEvent = this.onEvent;
      this.timer = setInterval(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Ends every stream (the emulator is stopping); later attach() calls are refused. */
  close(): void {
    this.closed = true;
    for (const res of [...this.listeners]) {
      this.detach(res);
      res.end();
    }
  }

  private readonly onEvent = (e: BrokerEvent): void => {
    this.changed = true;
    if (this.pending.length < MAX_EVENTS_PER_FLUSH) this.pending.push(e);
    else this.more++;
  };

  private detach(res: ServerResponse): void {
    if (!this.listeners.delete(res) || this.listeners.size > 0) return;
    this.tap.onEvent = undefined;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.more = 0;
    this.changed = false;
  }

  private flush(): void {
    const wall = Date.now();
    if (!this.changed) {
      if (wall - this.lastWrite >= KEEPALIVE_MS) this.broadcast(': keep-alive\n\n');
      return;
    }
    const events: FeedEvent[] = [];
    for (const e of this.pending) {
      const f = feedEvent(e);
      if (f !== undefined) events.push(f);
    }
    const data = this.snapshot(events);
    this.pending = [];
    this.more = 0;
    this.changed = false;
    this.broadcast(`event: change\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private snapshot(events: FeedEvent[]): object {
    return { now: this.now(), totals: this.tap.totals, events, more: this.more };
  }

  private broadcast(chunk: string): void {
    for (const res of [...this.listeners]) this.write(res, chunk);
  }

  private write(res: ServerResponse, chunk: string): void {
    if (res.writableLength > MAX_BACKLOG_BYTES) {
      this.detach(res);
      res.destroy();
      return;
    }
    res.write(chunk);
    this.lastWrite = Date.now();
  }
}

function feedEvent(e: BrokerEvent): FeedEvent | undefined {
  switch (e.t) {
    case 'pub':
      return { kind: 'published', instanceId: e.ns, topic: e.topic, messageId: e.id };
    case 'dlv':
      return e.g === undefined
        ? { kind: 'checked', instanceId: e.ns, topic: e.topic, messageId: e.id, attempt: e.n }
        : {
            kind: 'delivered',
            instanceId: e.ns,
            topic: e.topic,
            messageId: e.id,
            group: e.g,
            attempt: e.n,
          };
    case 'ack':
      return { kind: 'acked', instanceId: e.ns, topic: e.topic, messageId: e.id, group: e.group };
    case 'dead':
      return {
        kind: 'deadLettered',
        instanceId: e.ns,
        topic: e.topic,
        messageId: e.id,
        group: e.group,
        attempt: e.n,
      };
    case 'commit':
      return { kind: 'committed', instanceId: e.ns, topic: e.topic, messageId: e.id };
    case 'rollback':
      return { kind: 'rolledBack', instanceId: e.ns, topic: e.topic, messageId: e.id };
    case 'drop':
      return { kind: 'retentionEnded', instanceId: e.ns, topic: e.topic, messageId: e.id };
    case 'resend':
      return {
        kind: 'resent',
        instanceId: e.ns,
        topic: e.topic,
        messageId: e.id,
        group: e.group,
      };
    case 'purge':
      return { kind: 'purged', instanceId: e.ns, topic: e.topic };
    case 'dlpurge':
      return { kind: 'deadLetterPurged', instanceId: e.ns, topic: e.topic, group: e.group };
    case 'reset':
      return { kind: 'reset', instanceId: '', topic: '' };
    default:
      return undefined;
  }
}
