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
import type { LifeEntry, MessageRecord, PublishFacts } from './message.history.js';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/;

export function messageLife(
  record: MessageRecord | undefined,
  located: LocatedMessage | undefined,
  now: number,
): EmulatorMessageLife | undefined {
  if (record === undefined && located === undefined) return undefined;
  const publish = record?.publish;
  const properties = located?.properties ?? parseProps(publish?.props);
  const tag = located?.tag ?? publish?.tag;
  const key = properties.KEYS;
  const traceId = traceIdOf(properties.traceparent);
  const publishTime = located?.publishTime ?? publish?.at ?? record!.entries[0]?.at ?? now;
  const life: EmulatorMessageLife = {
    instanceId: located?.instanceId ?? record!.ns,
    topic: located?.topic ?? record!.topic,
    messageId: located?.messageId ?? record!.id,
    properties,
    publishTime,
    state: located?.state ?? 'gone',
    views: located?.views ?? ([] as EmulatorMessageView[]),
    timeline:
      record !== undefined
        ? timelineOf(record, publishTime, now)
        : [{ at: publishTime, kind: 'published' }],
    // The publish itself left the buffer: at least it is missing from the recorded start.
    truncated: record === undefined ? 0 : record.truncated + (publish === undefined ? 1 : 0),
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

function timelineOf(record: MessageRecord, publishTime: number, now: number): EmulatorLifeEvent[] {
  const publish = record.publish;
  const out: EmulatorLifeEvent[] = [publishedEntry(publish, publishTime)];
  /** Open deliveries by group ('' = the half message's transaction checks). */
  const open = new Map<string, LifeEntry>();
  const expire = (k: string): void => {
    const d = open.get(k);
    if (d === undefined) return;
    open.delete(k);
    out.push(derived(d));
  };
  const due = publish?.due;
  let timerShown = due === undefined;
  for (const e of record.entries) {
    if (!timerShown && e.at >= due!) {
      out.push({ at: due!, kind: 'timerDue' });
      timerShown = true;
    }
    const k = e.group ?? '';
    const renewed = e.kind === 'delivered' && open.get(k)?.attempt === e.attempt;
    switch (e.kind) {
      case 'delivered':
      case 'checked':
        // Same attempt again: a new invisibility (RocketMQ 5 ChangeInvisibleDuration), no expiry.
        if (!renewed) expire(k);
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
    out.push(renewed ? { ...publicEntry(e), kind: 'invisibilityChanged' } : publicEntry(e));
  }
  if (!timerShown && due! <= now) out.push({ at: due!, kind: 'timerDue' });
  for (const [k, d] of open) if (d.next !== undefined && d.next <= now) expire(k);
  // Stable: derived entries keep their place among events of the same instant.
  return out.sort((a, b) => a.at - b.at);
}

function publishedEntry(publish: PublishFacts | undefined, at: number): EmulatorLifeEvent {
  return publish?.h !== undefined
    ? { at, kind: 'published', receiptHandle: publish.h, nextConsumeTime: publish.imm! }
    : { at, kind: 'published' };
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

/** A delivery (or check) that reached its NextConsumeTime unacknowledged. */
function derived(d: LifeEntry): EmulatorLifeEvent {
  const out: EmulatorLifeEvent = { at: d.next!, kind: 'expired' };
  if (d.group !== undefined) out.group = d.group;
  if (d.attempt !== undefined) out.attempt = d.attempt;
  if (d.handle !== undefined) out.receiptHandle = d.handle;
  return out;
}
