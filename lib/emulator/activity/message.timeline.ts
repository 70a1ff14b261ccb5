/**
 * A message's life as the console shows it: the recorded history plus what follows from it.
 * Expiries are not broker events (replay recomputes them from deadlines), so they are derived
 * here: a delivery followed by another delivery or a dead letter of the same group, without an
 * ack in between, expired at its NextConsumeTime; so did the last one once that time has passed.
 */
import type {
  EmulatorLifeEvent,
  EmulatorMessageLife,
  EmulatorMessageView,
} from '../emulator.types.js';
import type { LocatedMessage } from '../broker/broker.admin.search.js';
import { parseProps } from '../broker/broker.admin.views.js';
import { keysOf } from '../broker/broker.admin.search.js';
import type { LifeEntry, MessageRecord } from './message.history.js';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/;

export function messageLife(
  record: MessageRecord | undefined,
  located: LocatedMessage | undefined,
  now: number,
): EmulatorMessageLife | undefined {
  if (record === undefined && located === undefined) return undefined;
  const properties = located?.properties ?? parseProps(record!.props);
  const tag = located?.tag ?? record?.tag;
  const key = properties.KEYS;
  const traceId = traceIdOf(properties.traceparent);
  const life: EmulatorMessageLife = {
    instanceId: located?.instanceId ?? record!.ns,
    topic: located?.topic ?? record!.topic,
    messageId: located?.messageId ?? record!.id,
    properties,
    publishTime: located?.publishTime ?? record!.publishedAt,
    state: located?.state ?? 'gone',
    views: located?.views ?? ([] as EmulatorMessageView[]),
    timeline:
      record !== undefined
        ? timelineOf(record, now)
        : [{ at: located!.publishTime, kind: 'published' }],
    truncated: record?.truncated ?? 0,
    recorded: record !== undefined,
  };
  if (tag !== undefined) life.tag = tag;
  if (key !== undefined) life.key = key;
  if (located !== undefined) life.body = located.body;
  if (traceId !== undefined) life.traceId = traceId;
  return life;
}

export function traceIdOf(traceparent: string | undefined): string | undefined {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim().toLowerCase());
  return m === null || /^0+$/.test(m[1]!) ? undefined : m[1];
}

/** Keys of the text search in the history (messages the broker no longer holds). */
export function recordKey(record: MessageRecord): string | undefined {
  return keysOf(record.props);
}

function timelineOf(record: MessageRecord, now: number): EmulatorLifeEvent[] {
  const out: EmulatorLifeEvent[] = [];
  /** Open deliveries by group ('' = the half message's transaction checks). */
  const open = new Map<string, LifeEntry>();
  const expire = (k: string): void => {
    const d = open.get(k);
    if (d === undefined) return;
    open.delete(k);
    out.push(derived(d, 'expired'));
  };
  let timerShown = record.due === undefined;
  for (const e of record.entries) {
    if (!timerShown && e.kind !== 'published' && e.at >= record.due!) {
      out.push({ at: record.due!, kind: 'timerDue' });
      timerShown = true;
    }
    const k = e.group ?? '';
    switch (e.kind) {
      case 'delivered':
      case 'checked':
        expire(k);
        open.set(k, e);
        break;
      case 'deadLettered':
        expire(k);
        break;
      case 'acked':
      case 'committed':
      case 'rolledBack':
        open.delete(k);
        break;
      case 'purged':
      case 'retentionEnded':
        open.clear();
        timerShown = true;
        break;
      default:
        break;
    }
    out.push(publicEntry(e));
  }
  if (!timerShown && record.due! <= now) out.push({ at: record.due!, kind: 'timerDue' });
  for (const [k, d] of open) if (d.next !== undefined && d.next <= now) expire(k);
  // Stable: derived entries keep their place among events of the same instant.
  return out.sort((a, b) => a.at - b.at);
}

function publicEntry(e: LifeEntry): EmulatorLifeEvent {
  const out: EmulatorLifeEvent = { at: e.at, kind: e.kind };
  if (e.group !== undefined) out.group = e.group;
  if (e.attempt !== undefined) out.attempt = e.attempt;
  if (e.handle !== undefined) out.receiptHandle = e.handle;
  if (e.next !== undefined) out.nextConsumeTime = e.next;
  if (e.mode !== undefined) out.mode = e.mode;
  return out;
}

function derived(d: LifeEntry, kind: 'expired'): EmulatorLifeEvent {
  const out: EmulatorLifeEvent = { at: d.next!, kind };
  if (d.group !== undefined) out.group = d.group;
  if (d.attempt !== undefined) out.attempt = d.attempt;
  if (d.handle !== undefined) out.receiptHandle = d.handle;
  return out;
}
