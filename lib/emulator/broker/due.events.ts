/**
 * Everything the broker must do at a future instant, in one min-heap, with ONE clock.schedule armed
 * for the earliest entry. Entries are never removed early: a handler ignores an entry that no longer
 * applies (the delivery was acked, the half message resolved…), which keeps acks O(1).
 */
import type { Clock } from '../clock/clock.js';
import { MinHeap } from './min-heap.js';
import type { Delivery, Message } from './broker.state.js';

export type DueEvent =
  | { kind: 'expire'; delivery: Delivery }
  | { kind: 'timer'; msg: Message }
  | { kind: 'immunity'; msg: Message }
  | { kind: 'halfMaxAge'; msg: Message }
  | { kind: 'retain'; msg: Message };

export interface DueHandlers {
  onExpire(d: Delivery): void;
  onTimer(m: Message): void;
  onImmunity(m: Message): void;
  onHalfMaxAge(m: Message): void;
  onRetain(m: Message, at: number): void;
}

const STALE_REBUILD_MIN = 4096;

/** False for an entry whose handler would ignore it (see the handlers' first lines). */
function stillApplies(e: DueEvent): boolean {
  switch (e.kind) {
    case 'expire':
      return e.delivery.active;
    case 'timer':
      return e.msg.state === 'live' && e.msg.delayed;
    case 'immunity':
    case 'halfMaxAge':
      return e.msg.state === 'half';
    case 'retain':
      return e.msg.state === 'live';
  }
}

export class DueEvents {
  private readonly heap = new MinHeap<DueEvent>();
  private armedAt: number | undefined;
  private cancel: (() => void) | undefined;
  private running = false;
  /** Expiry entries whose delivery was settled early (acked, resolved); dropped in bulk. */
  private stale = 0;

  constructor(
    private readonly clock: Clock,
    private readonly handlers: DueHandlers,
  ) {}

  get size(): number {
    return this.heap.size;
  }

  push(at: number, e: DueEvent): void {
    this.heap.push(at, e);
    if (!this.running && (this.armedAt === undefined || at < this.armedAt)) this.arm();
  }

  /** Fires every entry due at or before now, oldest first, then re-arms for the next one. */
  runDue(): void {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.clock.now();
      for (;;) {
        const at = this.heap.peekKey();
        if (at === undefined || at > now) break;
        const e = this.heap.pop()!;
        switch (e.kind) {
          case 'expire':
            this.handlers.onExpire(e.delivery);
            break;
          case 'timer':
            this.handlers.onTimer(e.msg);
            break;
          case 'immunity':
            this.handlers.onImmunity(e.msg);
            break;
          case 'halfMaxAge':
            this.handlers.onHalfMaxAge(e.msg);
            break;
          case 'retain':
            this.handlers.onRetain(e.msg, now);
            break;
        }
      }
    } finally {
      this.running = false;
    }
    this.arm();
  }

  clear(): void {
    this.heap.clear();
    this.stale = 0;
    this.disarm();
  }

  /**
   * An entry no longer applies before its time: a delivery settled before its NextConsumeTime, a
   * message dropped before its retention ended (evicted, rolled back). Once such entries are the
   * majority, rebuild the heap without them: memory stays proportional to what is live instead of
   * the last invisibility period's (or retention period's) throughput.
   */
  noteSettledEarly(): void {
    if (++this.stale < STALE_REBUILD_MIN || this.stale * 2 < this.heap.size) return;
    this.stale = 0;
    this.heap.retain(stillApplies);
  }

  private arm(): void {
    const at = this.heap.peekKey();
    if (at === this.armedAt) return;
    this.disarm();
    if (at === undefined) return;
    this.armedAt = at;
    this.cancel = this.clock.schedule(at, this.fire);
  }

  private disarm(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.armedAt = undefined;
  }

  private readonly fire = (): void => {
    this.cancel = undefined;
    this.armedAt = undefined;
    this.runDue();
  };
}
