/**
 * Finding messages for the admin API and the console: by id across every topic, and by id, key
 * or tag. Read-only scans (admin path, not the hot path).
 */
import { RESERVED_PROPERTY } from '../../protocol/index.js';
import type { EmulatorMessageSummary, EmulatorMessageView } from '../emulator.types.js';
import type { AdminSource } from './broker.admin.source.js';
import { deadView, halfView, parseProps, view, type BodyText } from './broker.admin.views.js';
import type { Message, Topic } from './broker.state.js';

/** What the broker holds of one message right now, per group. */
export interface LocatedMessage {
  instanceId: string;
  topic: string;
  messageId: string;
  body: string;
  tag?: string;
  properties: Record<string, string>;
  publishTime: number;
  /** `live`, `delayed`, `half`, or `gone` (past retention, rolled back; dead letters may remain). */
  state: 'live' | 'delayed' | 'half' | 'gone';
  /** One view per group (`ready`, `inflight`, `acked`, `deadletter`), or the half view. */
  views: EmulatorMessageView[];
}

export interface SearchQuery {
  text: string;
  instanceId?: string;
  topic?: string;
  limit: number;
}

/** The message with this id in any topic (or in the given instance/topic), with its dead letters. */
export function locateMessage(
  src: AdminSource,
  id: string,
  ns?: string,
  topicName?: string,
): LocatedMessage | undefined {
  const now = src.clockNow();
  const text: BodyText = (ref) => src.bodyText(ref);
  for (const t of src.topics.values()) {
    if ((ns !== undefined && t.ns !== ns) || (topicName !== undefined && t.name !== topicName)) {
      continue;
    }
    const m = t.messages.get(id);
    if (m === undefined) continue;
    const located = base(m, t, m.state === 'half' ? 'half' : m.delayed ? 'delayed' : 'live', text);
    if (m.state === 'half') located.views.push(halfView(m, now, text));
    else located.views.push(...groupViews(t, m, text));
    return located;
  }
  // Gone from its topic (retention, rollback): dead-letter copies may still hold it.
  for (const g of src.groups.values()) {
    if (ns !== undefined && g.ns !== ns) continue;
    for (const dl of g.deadLetters) {
      if (dl.id !== id || (topicName !== undefined && dl.topic !== topicName)) continue;
      const v = deadView(dl, g.id, text);
      const located: LocatedMessage = {
        instanceId: g.ns,
        topic: dl.topic,
        messageId: id,
        body: text(dl.body),
        properties: v.properties,
        publishTime: dl.publishTime,
        state: 'gone',
        views: [v],
      };
      if (dl.tag !== undefined) located.tag = dl.tag;
      for (const other of src.groups.values()) {
        if (other === g || other.ns !== g.ns) continue;
        for (const d of other.deadLetters) {
          if (d.id === id && d.topic === dl.topic) located.views.push(deadView(d, other.id, text));
        }
      }
      return located;
    }
  }
  return undefined;
}

/** Messages whose id, key (`KEYS`, any of its space-separated keys) or tag equals the text. */
export function searchMessages(src: AdminSource, q: SearchQuery): EmulatorMessageSummary[] {
  const out: EmulatorMessageSummary[] = [];
  const seen = new Set<string>();
  const push = (s: EmulatorMessageSummary): boolean => {
    const k = s.instanceId + '\n' + s.messageId + '\n' + s.state;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(s);
    }
    return out.length < q.limit;
  };
  for (const t of src.topics.values()) {
    if (!inScope(q, t.ns, t.name)) continue;
    const byId = t.messages.get(q.text);
    if (byId !== undefined && !push(summary(t.ns, t.name, byId, 'id'))) return out;
    for (const m of t.messages.values()) {
      const matched = matchOf(q.text, m.id, m.tag, m.props);
      if (matched !== undefined && !push(summary(t.ns, t.name, m, matched))) return out;
    }
  }
  for (const g of src.groups.values()) {
    for (const dl of g.deadLetters) {
      if (!inScope(q, g.ns, dl.topic)) continue;
      const matched = matchOf(q.text, dl.id, dl.tag, dl.props);
      if (matched === undefined) continue;
      const s: EmulatorMessageSummary = {
        instanceId: g.ns,
        topic: dl.topic,
        messageId: dl.id,
        publishTime: dl.publishTime,
        state: 'deadletter',
        group: g.id,
        matched,
      };
      if (dl.tag !== undefined) s.tag = dl.tag;
      const key = keysOf(dl.props);
      if (key !== undefined) s.key = key;
      if (!push(s)) return out;
    }
  }
  return out;
}

/** `id`, `key` or `tag` when the text matches this message, else undefined. */
export function matchOf(
  text: string,
  id: string,
  tag: string | undefined,
  props: string | undefined,
): 'id' | 'key' | 'tag' | undefined {
  if (id === text) return 'id';
  if (tag === text) return 'tag';
  const keys = keysOf(props);
  if (keys !== undefined && (keys === text || keys.split(' ').includes(text))) return 'key';
  return undefined;
}

/** The `KEYS` property of a raw `k:v|…|` string, without parsing the rest. */
export function keysOf(props: string | undefined): string | undefined {
  return propertyOf(props, RESERVED_PROPERTY.KEYS);
}

export function propertyOf(props: string | undefined, name: string): string | undefined {
  if (props === undefined) return undefined;
  const prefix = name + ':';
  let at = props.startsWith(prefix) ? 0 : props.indexOf('|' + prefix);
  if (at === -1) return undefined;
  if (at > 0) at++;
  const start = at + prefix.length;
  const end = props.indexOf('|', start);
  return props.slice(start, end === -1 ? undefined : end);
}

function inScope(q: SearchQuery, ns: string, topic: string): boolean {
  return (
    (q.instanceId === undefined || q.instanceId === ns) &&
    (q.topic === undefined || q.topic === topic)
  );
}

function summary(
  ns: string,
  topic: string,
  m: Message,
  matched: 'id' | 'key' | 'tag',
): EmulatorMessageSummary {
  const s: EmulatorMessageSummary = {
    instanceId: ns,
    topic,
    messageId: m.id,
    publishTime: m.publishTime,
    state: m.state === 'half' ? 'half' : m.delayed ? 'delayed' : 'live',
    matched,
  };
  if (m.tag !== undefined) s.tag = m.tag;
  const key = keysOf(m.props);
  if (key !== undefined) s.key = key;
  return s;
}

function base(
  m: Message,
  t: Topic,
  state: LocatedMessage['state'],
  text: BodyText,
): LocatedMessage {
  const located: LocatedMessage = {
    instanceId: t.ns,
    topic: t.name,
    messageId: m.id,
    body: text(m.body),
    properties: parseProps(m.props),
    publishTime: m.publishTime,
    state,
    views: [],
  };
  if (m.tag !== undefined) located.tag = m.tag;
  return located;
}

/** Per group: ready / inflight / acked / deadletter (peek leaves acked messages out). */
function groupViews(t: Topic, m: Message, text: BodyText): EmulatorMessageView[] {
  const out: EmulatorMessageView[] = [];
  for (const sub of t.subs.values()) {
    const sm = sub.states.get(m.id);
    const dead = sub.group.deadLetters.find((dl) => dl.id === m.id && dl.topic === t.name);
    if (dead !== undefined) {
      out.push(deadView(dead, sub.group.id, text));
      continue;
    }
    const state =
      sm?.done === true
        ? 'acked'
        : sm?.delivery !== undefined
          ? 'inflight'
          : m.delayed
            ? 'delayed'
            : 'ready';
    const v = view(m, state, sub.group.id, sm?.consumedTimes ?? 0, text);
    if (sm?.delivery !== undefined) {
      v.nextConsumeTime = sm.delivery.nextConsumeTime;
      v.receiptHandle = sm.delivery.handle;
    } else if (m.delayed) {
      v.nextConsumeTime = m.visibleAt;
    }
    out.push(v);
  }
  // Groups that never consumed the topic have no view yet (they get it when they first consume).
  return out;
}
