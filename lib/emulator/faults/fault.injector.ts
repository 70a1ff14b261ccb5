/**
 * The fault injector: an ordered list of rules, a seeded generator per rule, and counters. Fronts
 * call `decide()` once per request, after validating it and before acting on it; with no rules that
 * is one property read, so the layer costs nothing when unused.
 */
import { randomInt } from 'node:crypto';
import { FAULT_KINDS } from './fault.types.js';
import type {
  EmulatorFaults,
  FaultAction,
  FaultDecision,
  FaultKind,
  FaultMatch,
  FaultRequest,
  FaultRuleInput,
  FaultStats,
} from './fault.types.js';
import { validateFaultRule, validateFaultSeed } from './fault-rule.validate.js';
import { ruleSeed, seededRandom } from './seeded.random.js';

interface ActiveRule {
  readonly id: string;
  readonly match: FaultMatch;
  readonly probability: number | undefined;
  readonly count: number | undefined;
  readonly after: number;
  readonly decision: FaultDecision;
  readonly random: () => number;
  hits: number;
  matched: number;
}

/** Called for every injected fault (e.g. a live event stream); must not throw. */
export type FaultListener = (decision: FaultDecision, request: FaultRequest) => void;

export class FaultInjector implements EmulatorFaults {
  readonly seed: number;
  private rules: ActiveRule[] = [];
  private nextNumber = 1;
  private total = 0;
  private readonly byKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;
  private readonly listeners = new Set<FaultListener>();

  constructor(options: { seed?: number; rules?: readonly FaultRuleInput[] } = {}) {
    this.seed =
      options.seed === undefined ? randomInt(0, 2 ** 32 - 1) : validateFaultSeed(options.seed);
    for (const rule of options.rules ?? []) this.add(rule);
  }

  /** True when at least one rule is listed: fronts skip building a request description otherwise. */
  get armed(): boolean {
    return this.rules.length > 0;
  }

  /** The fault for this request, or undefined to let it pass. Counts what it injects. */
  decide(request: FaultRequest): FaultDecision | undefined {
    for (const rule of this.rules) {
      if (rule.count !== undefined && rule.hits >= rule.count) continue;
      if (!matches(rule.match, request)) continue;
      rule.matched++;
      if (rule.matched <= rule.after) continue;
      if (rule.probability !== undefined && rule.random() >= rule.probability) continue;
      rule.hits++;
      this.total++;
      this.byKind[rule.decision.action.kind]++;
      for (const listener of this.listeners) {
        try {
          listener(rule.decision, request);
        } catch {
          // An observer must never change what the request gets.
        }
      }
      return rule.decision;
    }
    return undefined;
  }

  add(input: FaultRuleInput): string {
    const rule = validateFaultRule(input);
    const number = this.nextNumber++;
    const id = `f${number}`;
    this.rules.push({
      id,
      match: Object.freeze({ ...rule.match }),
      probability: rule.probability,
      count: rule.count,
      after: rule.after ?? 0,
      decision: Object.freeze({ ruleId: id, action: Object.freeze(rule.action) as FaultAction }),
      random: seededRandom(ruleSeed(this.seed, number)),
      hits: 0,
      matched: 0,
    });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  stats(): FaultStats {
    return {
      seed: this.seed,
      rules: this.rules.map((r) => ({
        id: r.id,
        match: { ...r.match },
        ...(r.probability !== undefined ? { probability: r.probability } : {}),
        ...(r.count !== undefined ? { count: r.count } : {}),
        ...(r.after > 0 ? { after: r.after } : {}),
        action: { ...r.decision.action },
        hits: r.hits,
        matched: r.matched,
        exhausted: r.count !== undefined && r.hits >= r.count,
      })),
      injected: { total: this.total, byKind: { ...this.byKind } },
    };
  }

  /** Observes every injected fault; returns the unsubscribe function. */
  onFault(listener: FaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function matches(m: FaultMatch, r: FaultRequest): boolean {
  return (
    (m.front === undefined || m.front === r.front) &&
    (m.operation === undefined || m.operation === r.operation) &&
    (m.topic === undefined || m.topic === r.topic) &&
    (m.group === undefined || m.group === r.group) &&
    (m.instanceId === undefined || m.instanceId === r.instanceId)
  );
}
