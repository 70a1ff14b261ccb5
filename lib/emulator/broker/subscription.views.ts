/**
 * What a group can be handed next, per consume kind. Queues hold message refs and are cleaned
 * lazily: an entry whose message is gone, acked or currently delivered is skipped when it reaches
 * the head, so acks and drops never search a queue.
 */
import type { ConsumedMessageDoc } from '../../protocol/index.js';
import { Fifo } from './fifo.js';
import type { Message, OrderlyView, Partition, SubMessage, Subscription } from './broker.state.js';

/** Hands out one delivery (invisible for `invisibleMs`, or the kind's default) and returns its document. */
export type DeliverFn = (
  sub: Subscription,
  sm: SubMessage,
  kind: 'normal' | 'orderly',
  partition: Partition | undefined,
  invisibleMs: number | undefined,
) => ConsumedMessageDoc;

/** A message this subscription may receive now (live, due, not acked, not in flight). */
function available(sub: Subscription, m: Message): boolean {
  if (m.state !== 'live' || m.delayed) return false;
  const sm = sub.states.get(m.id);
  return sm === undefined || (!sm.done && sm.delivery === undefined);
}

export function subMessage(sub: Subscription, m: Message): SubMessage {
  let sm = sub.states.get(m.id);
  if (sm === undefined) {
    sm = { msg: m, consumedTimes: 0, firstConsumeTime: 0, delivery: undefined, done: false };
    sub.states.set(m.id, sm);
  }
  return sm;
}

function matches(tags: string[] | undefined, tag: string | undefined): boolean {
  return tags === undefined || (tag !== undefined && tags.includes(tag));
}

// ---- normal ------------------------------------------------------------------------------------

function normalView(sub: Subscription): Map<string, Fifo<Message>> {
  if (sub.normal !== undefined) return sub.normal;
  const view = new Map<string, Fifo<Message>>();
  sub.normal = view;
  // A new group starts from every retained message.
  for (const m of sub.topic.messages.values()) if (available(sub, m)) pushNormal(view, m);
  return view;
}

function pushNormal(view: Map<string, Fifo<Message>>, m: Message): void {
  const key = m.tag ?? '';
  let q = view.get(key);
  if (q === undefined) {
    q = new Fifo<Message>();
    view.set(key, q);
  }
  q.push(m);
}

function validHead(sub: Subscription, q: Fifo<Message>): Message | undefined {
  for (;;) {
    const m = q.peek();
    if (m === undefined || available(sub, m)) return m;
    q.shift();
  }
}

export function collectNormal(
  sub: Subscription,
  max: number,
  tags: string[] | undefined,
  out: ConsumedMessageDoc[],
  deliver: DeliverFn,
  invisibleMs: number | undefined,
): void {
  const view = normalView(sub);
  let queues: Fifo<Message>[];
  if (tags === undefined) {
    queues = view.size === 1 ? [view.values().next().value!] : [...view.values()];
  } else {
    queues = [];
    for (const t of tags) {
      const q = view.get(t);
      if (q !== undefined) queues.push(q);
    }
  }
  while (out.length < max) {
    // Oldest head across the candidate tag queues (k is the number of distinct tags, small).
    let best: Message | undefined;
    let bestQ: Fifo<Message> | undefined;
    for (const q of queues) {
      const m = validHead(sub, q);
      if (m !== undefined && (best === undefined || m.seq < best.seq)) {
        best = m;
        bestQ = q;
      }
    }
    if (best === undefined) return;
    bestQ!.shift();
    out.push(deliver(sub, subMessage(sub, best), 'normal', undefined, invisibleMs));
  }
}

// ---- orderly -----------------------------------------------------------------------------------

function orderlyView(sub: Subscription): OrderlyView {
  if (sub.orderly !== undefined) return sub.orderly;
  const view: OrderlyView = { partitions: new Map(), ready: new Fifo() };
  sub.orderly = view;
  for (const m of sub.topic.messages.values()) {
    if (m.state !== 'live' || m.delayed) continue;
    const p = partitionOf(view, m);
    const sm = sub.states.get(m.id);
    if (sm === undefined || sm.consumedTimes === 0) {
      p.pending.push(m);
    } else if (!sm.done) {
      // Delivered before (possibly before a restart) and not acked: part of the partition's lock.
      p.outstanding.push(sm);
      if (sm.delivery !== undefined) {
        sm.delivery.partition = p;
        p.active++;
      }
    }
  }
  for (const p of view.partitions.values()) {
    if (p.active === 0) {
      p.queued = true;
      view.ready.push(p);
    }
  }
  return view;
}

function partitionOf(view: OrderlyView, m: Message): Partition {
  const key = m.shard ?? '';
  let p = view.partitions.get(key);
  if (p === undefined) {
    p = { key, pending: new Fifo(), outstanding: [], active: 0, queued: false };
    view.partitions.set(key, p);
  }
  return p;
}

export function enqueuePartition(view: OrderlyView, p: Partition): void {
  if (!p.queued && p.active === 0) {
    p.queued = true;
    view.ready.push(p);
  }
}

function pendingHead(sub: Subscription, p: Partition): Message | undefined {
  return validHead(sub, p.pending);
}

export function collectOrderly(
  sub: Subscription,
  max: number,
  tags: string[] | undefined,
  out: ConsumedMessageDoc[],
  deliver: DeliverFn,
  invisibleMs: number | undefined,
): void {
  const view = orderlyView(sub);
  const requeue: Partition[] = [];
  while (out.length < max) {
    const p = view.ready.shift();
    if (p === undefined) break;
    p.queued = false;
    if (p.active > 0) continue; // locked; requeued when its deliveries are acked or expire
    if (p.outstanding.length > 0) {
      p.outstanding = p.outstanding.filter((sm) => !sm.done && sm.msg.state === 'live');
    }
    if (p.outstanding.length > 0) {
      // Redeliver only the unacked ones; nothing newer until they are acked.
      if (!matches(tags, p.outstanding[0]!.msg.tag)) {
        requeue.push(p);
        continue;
      }
      for (const sm of p.outstanding) {
        if (out.length >= max) break;
        if (sm.delivery !== undefined) continue;
        out.push(deliver(sub, sm, 'orderly', p, invisibleMs));
        p.active++;
      }
      if (p.active === 0) requeue.push(p);
      continue;
    }
    while (out.length < max) {
      const m = pendingHead(sub, p);
      if (m === undefined || !matches(tags, m.tag)) break;
      p.pending.shift();
      const sm = subMessage(sub, m);
      out.push(deliver(sub, sm, 'orderly', p, invisibleMs));
      p.outstanding.push(sm);
      p.active++;
    }
    if (p.active === 0 && pendingHead(sub, p) !== undefined) requeue.push(p);
  }
  for (const p of requeue) enqueuePartition(view, p);
}

// ---- fan-out -----------------------------------------------------------------------------------

/** A message became available to this subscription (publish, timer due, commit, redelivery). */
export function offer(sub: Subscription, m: Message, redelivery: boolean): void {
  if (sub.normal !== undefined) pushNormal(sub.normal, m);
  // Orderly redeliveries stay in their partition's outstanding list; only new messages are queued.
  if (sub.orderly !== undefined && !redelivery) {
    const p = partitionOf(sub.orderly, m);
    p.pending.push(m);
    enqueuePartition(sub.orderly, p);
  }
}
