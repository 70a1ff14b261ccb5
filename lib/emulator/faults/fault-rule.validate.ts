/**
 * Checks a fault rule from any source (JSON, CLI, code) and returns a clean copy. Every mistake
 * names the field at fault, so the admin API, the config file and the CLI can all say which one.
 */
import { validateErrorAction } from './fault.codes.js';
import { FaultRuleError, show } from './fault-rule.errors.js';
import { FAULT_FRONTS, FAULT_OPERATIONS } from './fault.types.js';
import type { FaultAction, FaultMatch, FaultRuleInput } from './fault.types.js';

export { FaultRuleError } from './fault-rule.errors.js';

/** Longest added latency or trickle interval: longer is indistinguishable from a hang. */
export const MAX_FAULT_MS = 600_000;
const RULE_KEYS = ['match', 'probability', 'count', 'after', 'action'];
const MATCH_KEYS = ['front', 'operation', 'topic', 'group', 'instanceId'];

export function validateFaultRule(value: unknown): FaultRuleInput {
  const rule = record(value, 'rule', RULE_KEYS);
  const match = rule.match === undefined ? {} : validateMatch(rule.match);
  const out: FaultRuleInput = { match, action: validateAction(rule.action, match) };
  if (rule.probability !== undefined) {
    const p = rule.probability;
    if (typeof p !== 'number' || !(p > 0) || !(p <= 1)) {
      throw new FaultRuleError('probability', `expected a number in (0, 1], got ${show(p)}`);
    }
    out.probability = p;
  }
  if (rule.count !== undefined) out.count = integer(rule.count, 'count', 1);
  if (rule.after !== undefined) out.after = integer(rule.after, 'after', 0);
  return out;
}

function validateMatch(value: unknown): FaultMatch {
  const m = record(value, 'match', MATCH_KEYS);
  const out: FaultMatch = {};
  if (m.front !== undefined) out.front = oneOf(m.front, 'match.front', FAULT_FRONTS);
  if (m.operation !== undefined) {
    out.operation = oneOf(m.operation, 'match.operation', FAULT_OPERATIONS);
  }
  for (const key of ['topic', 'group', 'instanceId'] as const) {
    const v = m[key];
    if (v === undefined) continue;
    // instanceId '' is the default (namespace-less) instance; an empty topic or group matches nothing.
    if (typeof v !== 'string' || (v === '' && key !== 'instanceId')) {
      throw new FaultRuleError(`match.${key}`, `expected a non-empty string, got ${show(v)}`);
    }
    out[key] = v;
  }
  return out;
}

function validateAction(value: unknown, match: FaultMatch): FaultAction {
  if (value === undefined) throw new FaultRuleError('action', 'is required');
  const kind = record(value, 'action', [
    'kind',
    'code',
    'status',
    'message',
    'ms',
    'when',
    'intervalMs',
  ]).kind;
  const a = value as Record<string, unknown>;
  switch (kind) {
    case 'error':
      only(a, ['kind', 'code', 'status', 'message']);
      return validateErrorAction(a, match);
    case 'delay':
      only(a, ['kind', 'ms']);
      return { kind, ms: integer(a.ms, 'action.ms', 1, MAX_FAULT_MS) };
    case 'reset':
      only(a, ['kind', 'when']);
      return { kind, when: oneOf(a.when, 'action.when', ['before', 'after'] as const) };
    case 'drop':
    case 'stall':
      only(a, ['kind']);
      return { kind };
    case 'trickle':
      only(a, ['kind', 'intervalMs']);
      return { kind, intervalMs: integer(a.intervalMs, 'action.intervalMs', 1, MAX_FAULT_MS) };
    default:
      throw new FaultRuleError(
        'action.kind',
        `expected one of "error", "delay", "reset", "drop", "stall", "trickle", got ${show(kind)}`,
      );
  }
}

function record(
  value: unknown,
  field: string,
  allowed: readonly string[],
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FaultRuleError(field, `expected an object, got ${show(value)}`);
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!allowed.includes(key)) {
      throw new FaultRuleError(`${field === 'rule' ? '' : field + '.'}${key}`, 'unknown field');
    }
  }
  return r;
}

/** Fields of another action kind are mistakes (e.g. `ms` on an error). */
function only(a: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(a)) {
    if (!allowed.includes(key) && a[key] !== undefined) {
      throw new FaultRuleError(`action.${key}`, `not a field of a "${String(a.kind)}" action`);
    }
  }
}

function integer(value: unknown, field: string, min: number, max = 2 ** 31 - 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultRuleError(
      field,
      `expected an integer from ${min} to ${max}, got ${show(value)}`,
    );
  }
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new FaultRuleError(
      field,
      `expected one of ${allowed.map((x) => `"${x}"`).join(', ')}, got ${show(value)}`,
    );
  }
  return value as T;
}

/** The generator's seed: an integer from 0 to 2^32-1. */
export function validateFaultSeed(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new FaultRuleError(
      'seed',
      `expected an integer from 0 to 4294967295, got ${show(value)}`,
    );
  }
  return value;
}
