/**
 * Rebuilding state from the event log, and writing the live state back as a minimal log.
 * Replay applies facts only (who got which delivery, what was acked); transitions that follow from
 * time (expiry, timer due, immunity end, retention) are left to the due-event heap, which the broker
 * runs once after replay at the current time, in time order.
 */
import { isDiskBody } from '../store/body.store.js';
import type { BrokerEvent, DeliveredEvent } from '../store/store.js';
import type { BrokerPersistence } from './broker.persistence.js';
import type { Topic } from './broker.state.js';
import { subMessage } from './subscription.views.js';

export function applyEvent(b: BrokerPersistence, e: BrokerEvent): void {
  switch (e.t) {
    case 'topic':
      b.createTopic(e.ns, e.topic, e.type);
      return;
    case 'group':
      b.createGroup(e.ns, e.group);
      return;
    case 'sub':
      b.subscription(b.createTopic(e.ns, e.topic, undefined), b.createGroup(e.ns, e.group));
      return;
    case 'pub':
      if (!b.createTopic(e.ns, e.topic, undefined).messages.has(e.id)) b.applyPublished(e);
      return;
    case 'dlv':
      applyDelivered(b, e);
      return;
    case 'ack': {
      const m = findTopic(b, e.ns, e.topic)?.messages.get(e.id);
      if (m === undefined) return;
      const sub = b.subscription(m.topic, b.createGroup(e.ns, e.group));
      const sm = subMessage(sub, m);
      if (sm.delivery !== undefined) b.settleDelivery(sm.delivery);
      sm.done = true;
      return;
    }
    case 'dead': {
      const g = b.createGroup(e.ns, e.group);
      g.deadLetters.push({
        topic: e.topic,
        id: e.id,
        body: e.bref !== undefined ? b.bodies.restore(e.bref) : (e.body ?? ''),
        tag: e.tag,
        props: e.props,
        publishTime: e.pubAt,
        consumedTimes: e.n,
        firstConsumeTime: e.first,
        deadAt: e.at,
      });
      const m = findTopic(b, e.ns, e.topic)?.messages.get(e.id);
      if (m === undefined) return;
      const sm = subMessage(b.subscription(m.topic, g), m);
      if (sm.delivery !== undefined) b.settleDelivery(sm.delivery);
      sm.consumedTimes = e.n;
      sm.firstConsumeTime = e.first;
      sm.done = true;
      return;
    }
    case 'commit': {
      const m = findTopic(b, e.ns, e.topic)?.messages.get(e.id);
      if (m !== undefined) b.applyCommit(m, e.at);
      return;
    }
    case 'rollback': {
      const m = findTopic(b, e.ns, e.topic)?.messages.get(e.id);
      if (m !== undefined) b.applyRollback(m);
      return;
    }
    case 'drop': {
      const m = findTopic(b, e.ns, e.topic)?.messages.get(e.id);
      if (m !== undefined) b.applyDrop(m);
      return;
    }
    case 'reset':
      b.applyReset();
      return;
    case 'purge': {
      const t = findTopic(b, e.ns, e.topic);
      if (t !== undefined) b.applyPurge(t);
      return;
    }
    case 'resend':
      b.applyResend(b.createGroup(e.ns, e.group), b.createTopic(e.ns, e.topic, undefined), e.id);
      return;
    case 'dlpurge':
      b.applyDeadLetterPurge(b.createGroup(e.ns, e.group), e.topic, e.ids);
      return;
  }
}

function applyDelivered(b: BrokerPersistence, e: DeliveredEvent): void {
  const m = findTopic(b, e.ns, e.topic)?.messages.get(e.id);
  if (m === undefined) return;
  if (e.g === undefined) {
    if (m.state !== 'half') return;
    if (m.halfDelivery !== undefined) b.settleDelivery(m.halfDelivery);
    m.halfDelivery = undefined;
    m.halfChecks = e.n;
    m.halfFirstCheck = e.first;
    if (e.h !== '') {
      const d = b.newDelivery(e.h, 'half', m, undefined, undefined, e.next);
      m.halfDelivery = d;
      b.handles.set(d.handle, d);
      b.due.push(e.next, { kind: 'expire', delivery: d });
    }
    return;
  }
  const sub = b.subscription(m.topic, b.createGroup(e.ns, e.g));
  const sm = subMessage(sub, m);
  if (sm.delivery !== undefined) b.settleDelivery(sm.delivery);
  sm.consumedTimes = e.n;
  sm.firstConsumeTime = e.first;
  if (e.h !== '') {
    const d = b.newDelivery(e.h, e.kind, m, sub, sm, e.next);
    sm.delivery = d;
    b.handles.set(d.handle, d);
    b.due.push(e.next, { kind: 'expire', delivery: d });
  }
}

function findTopic(b: BrokerPersistence, ns: string, name: string): Topic | undefined {
  return b.topics.get(ns + '\n' + name);
}

/** The live state as the shortest event sequence that replays to it. */
export function snapshotEvents(b: BrokerPersistence): BrokerEvent[] {
  const out: BrokerEvent[] = [];
  for (const t of b.topics.values()) {
    if (!b.isDeclared(t.ns, t.name))
      out.push({ t: 'topic', ns: t.ns, topic: t.name, type: t.type });
  }
  for (const g of b.groups.values()) out.push({ t: 'group', ns: g.ns, group: g.id });
  for (const t of b.topics.values()) {
    for (const sub of t.subs.values()) {
      out.push({ t: 'sub', ns: t.ns, topic: t.name, group: sub.group.id });
    }
    for (const m of t.messages.values()) {
      const transactional = m.publishHandle !== undefined;
      out.push({
        t: 'pub',
        ns: t.ns,
        topic: t.name,
        id: m.id,
        ...b.bodyFields(m.body),
        ...(isDiskBody(m.body) ? { md5: m.bodyMd5 } : {}),
        tag: m.tag,
        props: m.props,
        at: m.publishTime,
        due: !transactional && m.visibleAt !== m.publishTime ? m.visibleAt : undefined,
        shard: m.shard,
        imm: transactional ? m.immunityUntil : undefined,
        h: m.publishHandle,
      });
      if (m.state === 'half' && m.halfChecks > 0) {
        const d = m.halfDelivery;
        out.push({
          t: 'dlv',
          ns: t.ns,
          topic: t.name,
          id: m.id,
          h: d?.handle ?? '',
          next: d?.nextConsumeTime ?? 0,
          n: m.halfChecks,
          first: m.halfFirstCheck,
          kind: 'half',
        });
      }
      if (transactional && m.state === 'live') {
        out.push({ t: 'commit', ns: t.ns, topic: t.name, id: m.id, at: m.visibleAt });
      }
    }
    for (const sub of t.subs.values()) {
      for (const sm of sub.states.values()) {
        if (sm.msg.state === 'gone') continue;
        if (sm.done) {
          out.push({ t: 'ack', ns: t.ns, topic: t.name, group: sub.group.id, id: sm.msg.id });
        } else if (sm.consumedTimes > 0) {
          const d = sm.delivery;
          out.push({
            t: 'dlv',
            ns: t.ns,
            topic: t.name,
            g: sub.group.id,
            id: sm.msg.id,
            h: d?.handle ?? '',
            next: d?.nextConsumeTime ?? 0,
            n: sm.consumedTimes,
            first: sm.firstConsumeTime,
            kind: d?.kind === 'orderly' ? 'orderly' : 'normal',
          });
        }
      }
    }
  }
  for (const g of b.groups.values()) {
    for (const dl of g.deadLetters) {
      out.push({
        t: 'dead',
        ns: g.ns,
        topic: dl.topic,
        group: g.id,
        id: dl.id,
        at: dl.deadAt,
        n: dl.consumedTimes,
        first: dl.firstConsumeTime,
        ...b.bodyFields(dl.body),
        tag: dl.tag,
        props: dl.props,
        pubAt: dl.publishTime,
      });
    }
  }
  return out;
}
