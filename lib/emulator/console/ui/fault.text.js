// @ts-check
/** Fault rules, actions and their effects in words (the Faults view and message timelines). */
import { duration, instanceLabel } from './format.util.js';

/**
 * @typedef {{ kind: string, code?: string, status?: number, message?: string, ms?: number, when?: string, intervalMs?: number }} FaultAction
 * @typedef {{ front?: string, operation?: string, topic?: string, group?: string, instanceId?: string }} FaultMatch
 */

/** @param {FaultMatch} m */
export function matchText(m) {
  const parts = [];
  if (m.front !== undefined) parts.push(m.front);
  if (m.operation !== undefined) parts.push(m.operation);
  if (m.topic !== undefined) parts.push(`topic ${m.topic}`);
  if (m.group !== undefined) parts.push(`group ${m.group}`);
  if (m.instanceId !== undefined) parts.push(`instance ${instanceLabel(m.instanceId)}`);
  return parts.length === 0 ? 'every request' : parts.join(' · ');
}

/** @param {{ probability?: number, count?: number, after?: number }} rule */
export function whenText(rule) {
  const parts = [];
  if (rule.after !== undefined) parts.push(`after ${rule.after} let through`);
  if (rule.probability !== undefined) parts.push(`probability ${rule.probability}`);
  if (rule.count !== undefined) parts.push(`at most ${rule.count}×`);
  return parts.length === 0 ? 'always' : parts.join(' · ');
}

/** @param {FaultAction} a */
export function actionText(a) {
  switch (a.kind) {
    case 'error':
      return `error ${a.code}${a.status !== undefined ? ` (${a.status})` : ''}`;
    case 'delay':
      return `delay ${duration(a.ms ?? 0)}`;
    case 'reset':
      return `reset ${a.when} acting`;
    case 'drop':
      return 'drop the answer';
    case 'stall':
      return 'stall after the headers';
    case 'trickle':
      return `trickle, a byte every ${duration(a.intervalMs ?? 0)}`;
    default:
      return a.kind;
  }
}

/** What the server did when it acted, per operation. */
/** @type {Record<string, string>} */
const DONE = {
  publish: 'Stored',
  consume: 'Delivered',
  ack: 'Acked',
  changeInvisibleDuration: 'Invisibility changed',
  forwardToDeadLetterQueue: 'Dead-lettered',
  commit: 'Committed',
  rollback: 'Rolled back',
};

/**
 * What a fault did to a request that carried the message (a timeline entry), as a sentence.
 * @param {{ ruleId: string, operation: string, action: FaultAction, acted: boolean }} f
 */
export function faultEffect(f) {
  const a = f.action;
  if (!f.acted) {
    const not = `the ${f.operation} was not done`;
    if (a.kind === 'error') {
      return `Answered ${a.code}${a.status !== undefined ? ` (${a.status})` : ''}: ${not}.`;
    }
    if (a.kind === 'reset') return `Connection reset before the server acted: ${not}.`;
    return `The client left during the injected delay: ${not}.`;
  }
  const done = DONE[f.operation] ?? 'Done';
  switch (a.kind) {
    case 'delay':
      return `${done}, answered ${duration(a.ms ?? 0)} late.`;
    case 'reset':
      return `${done}, then the connection was reset: the client got no answer.`;
    case 'drop':
      return `${done}; the answer never came.`;
    case 'stall':
      return `${done}; the answer stalled after its headers.`;
    case 'trickle':
      return `${done}; the answer trickled in, a byte every ${duration(a.intervalMs ?? 0)}.`;
    default:
      return `${done}.`;
  }
}
