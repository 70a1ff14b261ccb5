/** Admin views of broker records (the shapes of EmulatorMessageView). */
import type { EmulatorMessageView } from '../emulator.types.js';
import type { BodyRef } from '../store/body.store.js';
import type { DeadLetter, Message } from './broker.state.js';

/** Reads a body as text (bodies may live on disk: see BodyStore). */
export type BodyText = (ref: BodyRef) => string;

/** A half message: the check in flight, or the publish handle while it is still valid. */
export function halfView(m: Message, now: number, text: BodyText): EmulatorMessageView {
  const d = m.halfDelivery;
  const v = view(m, 'half', undefined, m.halfChecks, text);
  v.nextConsumeTime = d !== undefined ? d.nextConsumeTime : m.immunityUntil;
  const handle = d?.handle ?? (now < m.immunityUntil ? m.publishHandle : undefined);
  if (handle !== undefined) v.receiptHandle = handle;
  return v;
}

export function view(
  m: Message,
  state: string,
  group: string | undefined,
  consumedTimes: number,
  text: BodyText,
): EmulatorMessageView {
  const v: EmulatorMessageView = {
    messageId: m.id,
    body: text(m.body),
    properties: parseProps(m.props),
    publishTime: m.publishTime,
    state,
    consumedTimes,
  };
  if (m.tag !== undefined) v.tag = m.tag;
  if (group !== undefined) v.group = group;
  return v;
}

export function deadView(dl: DeadLetter, group: string, text: BodyText): EmulatorMessageView {
  const v: EmulatorMessageView = {
    messageId: dl.id,
    body: text(dl.body),
    properties: parseProps(dl.props),
    publishTime: dl.publishTime,
    state: 'deadletter',
    group,
    consumedTimes: dl.consumedTimes,
  };
  if (dl.tag !== undefined) v.tag = dl.tag;
  return v;
}

export function parseProps(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const pair of raw.split('|')) {
    const i = pair.indexOf(':');
    if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}
