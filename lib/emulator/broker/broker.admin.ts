/** Read-only views and reset for the admin API. Scans are fine here: this is not the hot path. */
import type {
  EmulatorGroupStats,
  EmulatorMessageSummary,
  EmulatorMessageView,
  EmulatorTopicStats,
} from '../emulator.types.js';
import type { BodyRef } from '../store/body.store.js';
import type { AdminSource } from './broker.admin.source.js';
import type { Subscription, Topic } from './broker.state.js';
import { deadView, halfView, view } from './broker.admin.views.js';
import {
  locateMessage,
  searchMessages,
  type LocatedMessage,
  type SearchQuery,
} from './broker.admin.search.js';

export interface PeekQuery {
  topic: string;
  instanceId?: string;
  group?: string;
  state?: string;
  limit?: number;
}

const DEFAULT_PEEK_LIMIT = 100;

export class BrokerAdmin {
  private readonly text: (ref: BodyRef) => string;

  constructor(private readonly broker: AdminSource) {
    this.text = (ref) => broker.bodyText(ref);
  }

  topics(): EmulatorTopicStats[] {
    const out: EmulatorTopicStats[] = [];
    for (const t of this.broker.topics.values()) {
      let delayed = 0;
      let half = 0;
      for (const m of t.messages.values()) {
        if (m.state === 'half') half++;
        else if (m.delayed) delayed++;
      }
      out.push({
        instanceId: t.ns,
        topic: t.name,
        type: t.type ?? 'any',
        messages: t.messages.size,
        delayed,
        half,
      });
    }
    return out;
  }

  groups(): EmulatorGroupStats[] {
    const out: EmulatorGroupStats[] = [];
    for (const t of this.broker.topics.values()) {
      for (const sub of t.subs.values()) {
        let ready = 0;
        let inflight = 0;
        let delayed = 0;
        for (const m of t.messages.values()) {
          if (m.state !== 'live') continue;
          if (m.delayed) {
            delayed++;
            continue;
          }
          const sm = sub.states.get(m.id);
          if (sm === undefined) ready++;
          else if (sm.done) continue;
          else if (sm.delivery !== undefined) inflight++;
          else ready++;
        }
        let deadLetter = 0;
        for (const dl of sub.group.deadLetters) if (dl.topic === t.name) deadLetter++;
        out.push({
          instanceId: t.ns,
          topic: t.name,
          group: sub.group.id,
          ready,
          inflight,
          delayed,
          deadLetter,
        });
      }
    }
    return out;
  }

  /** Looks at messages without changing anything (no delivery, no counter, no handle). */
  peek(q: PeekQuery): EmulatorMessageView[] {
    const limit = q.limit ?? DEFAULT_PEEK_LIMIT;
    const ns = q.instanceId ?? '';
    const now = this.broker.clockNow();
    const out: EmulatorMessageView[] = [];
    const t = this.findTopic(ns, q.topic);
    if (t === undefined) return out;
    const add = (v: EmulatorMessageView): boolean => {
      if (q.state === undefined || q.state === v.state) out.push(v);
      return out.length < limit;
    };
    const subs: Subscription[] =
      q.group === undefined
        ? [...t.subs.values()]
        : t.subs.has(q.group)
          ? [t.subs.get(q.group)!]
          : [];
    for (const m of t.messages.values()) {
      if (m.state === 'half') {
        if (q.group !== undefined) continue;
        if (!add(halfView(m, now, this.text))) return out;
        continue;
      }
      if (m.delayed) {
        const v = view(m, 'delayed', q.group, 0, this.text);
        v.nextConsumeTime = m.visibleAt;
        if (!add(v)) return out;
        continue;
      }
      if (subs.length === 0 && q.group === undefined) {
        if (!add(view(m, 'ready', undefined, 0, this.text))) return out;
        continue;
      }
      for (const sub of subs) {
        const sm = sub.states.get(m.id);
        if (sm?.done === true) continue;
        const inflight = sm?.delivery !== undefined;
        const v = view(
          m,
          inflight ? 'inflight' : 'ready',
          sub.group.id,
          sm?.consumedTimes ?? 0,
          this.text,
        );
        if (inflight) {
          v.nextConsumeTime = sm.delivery!.nextConsumeTime;
          v.receiptHandle = sm.delivery!.handle;
        }
        if (!add(v)) return out;
      }
    }
    for (const g of this.broker.groups.values()) {
      if (g.ns !== ns || (q.group !== undefined && g.id !== q.group)) continue;
      for (const dl of g.deadLetters) {
        if (dl.topic === q.topic && !add(deadView(dl, g.id, this.text))) return out;
      }
    }
    return out;
  }

  deadLetters(q: { topic: string; group: string; instanceId?: string }): EmulatorMessageView[] {
    const ns = q.instanceId ?? '';
    const out: EmulatorMessageView[] = [];
    for (const g of this.broker.groups.values()) {
      if (g.ns !== ns || g.id !== q.group) continue;
      for (const dl of g.deadLetters)
        if (dl.topic === q.topic) out.push(deadView(dl, g.id, this.text));
    }
    return out;
  }

  /** The message with this id (any topic unless narrowed), per group, with its dead letters. */
  locate(id: string, instanceId?: string, topic?: string): LocatedMessage | undefined {
    return locateMessage(this.broker, id, instanceId, topic);
  }

  /** Messages whose id, key or tag equals the text. */
  search(q: SearchQuery): EmulatorMessageSummary[] {
    return searchMessages(this.broker, q);
  }

  /** Drops every message, delivery, half message and dead letter; resources and waiters stay. */
  reset(): void {
    this.broker.resetAll();
  }

  private findTopic(ns: string, name: string): Topic | undefined {
    for (const t of this.broker.topics.values()) if (t.ns === ns && t.name === name) return t;
    return undefined;
  }
}
