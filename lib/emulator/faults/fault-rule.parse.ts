/**
 * The command-line form of a fault rule: comma-separated `key=value` items, e.g.
 * `operation=publish,probability=0.1,error=InternalError` or `operation=consume,count=1,reset=after`.
 * A value starting with `{` is read as the JSON form of the admin API instead.
 */
import { FaultRuleError, validateFaultRule } from './fault-rule.validate.js';
import type { FaultAction, FaultMatch, FaultRuleInput } from './fault.types.js';

const MATCH_KEYS = new Set(['front', 'operation', 'topic', 'group', 'instanceId']);
const ACTION_KEYS = new Set(['error', 'delay', 'reset', 'drop', 'stall', 'trickle']);

export const FAULT_RULE_SYNTAX =
  'key=value items separated by commas: match keys front, operation, topic, group, instanceId; ' +
  'probability, count, after; one action: error=Code[:status], delay=ms, reset=before|after, ' +
  'drop, stall, trickle=intervalMs (or the JSON rule of the admin API)';

/** Parses and validates one rule; FaultRuleError names the item at fault. */
export function parseFaultRule(text: string): FaultRuleInput {
  if (text.trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new FaultRuleError('rule', `is not valid JSON (${(err as Error).message})`);
    }
    return validateFaultRule(json);
  }
  const match: FaultMatch = {};
  const rule: Record<string, unknown> = {};
  let action: FaultAction | undefined;
  for (const item of text.split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    const key = eq === -1 ? trimmed : trimmed.slice(0, eq);
    const value = eq === -1 ? undefined : trimmed.slice(eq + 1);
    if (MATCH_KEYS.has(key)) {
      (match as Record<string, unknown>)[key] = value ?? '';
    } else if (key === 'probability' || key === 'count' || key === 'after') {
      rule[key] = value === undefined || value === '' ? value : Number(value);
    } else if (ACTION_KEYS.has(key)) {
      if (action !== undefined) throw new FaultRuleError('action', 'give exactly one action');
      action = parseAction(key, value);
    } else {
      throw new FaultRuleError(key, `unknown item (${FAULT_RULE_SYNTAX})`);
    }
  }
  if (action === undefined) {
    throw new FaultRuleError(
      'action',
      'is required: error=, delay=, reset=, drop, stall or trickle=',
    );
  }
  return validateFaultRule({ ...rule, match, action });
}

function parseAction(kind: string, value: string | undefined): FaultAction {
  switch (kind) {
    case 'error': {
      const [code, status] = (value ?? '').split(':');
      return {
        kind,
        code: code ?? '',
        ...(status !== undefined ? { status: Number(status) } : {}),
      } as FaultAction;
    }
    case 'delay':
      return { kind, ms: Number(value) };
    case 'trickle':
      return { kind, intervalMs: Number(value) };
    case 'reset':
      return { kind, when: value } as FaultAction;
    default:
      if (value !== undefined) throw new FaultRuleError(`action.${kind}`, 'takes no value');
      return { kind } as FaultAction;
  }
}
