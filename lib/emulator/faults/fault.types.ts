/**
 * Fault injection: public types. The layer knows requests (which front, which operation, on what)
 * and actions; it knows nothing about HTTP, gRPC or sockets. Each front asks for a decision and
 * applies the action its own way (see lib/emulator/CONTRACT.md).
 */

/** The protocol fronts of the emulator. */
export const FAULT_FRONTS = ['http', 'grpc', 'ons'] as const;
export type FaultFront = (typeof FAULT_FRONTS)[number];

/**
 * Front-agnostic operation names. `consume` covers every receive (long poll, orderly, transaction
 * check on HTTP; ReceiveMessage on gRPC). A front that serves an operation not listed here adds it.
 */
export const FAULT_OPERATIONS = [
  'publish',
  'consume',
  'ack',
  'commit',
  'rollback',
  'changeInvisibleDuration',
  'queryRoute',
  'queryAssignment',
  'heartbeat',
  'notifyClientTermination',
  'forwardToDeadLetterQueue',
  'telemetry',
] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

/** What a rule applies to; an absent field matches anything. `instanceId: ''` = no namespace. */
export interface FaultMatch {
  front?: FaultFront;
  operation?: FaultOperation;
  topic?: string;
  group?: string;
  instanceId?: string;
}

/**
 * What happens to a request a rule picked (each front in its own terms, see fault.codes.ts for the
 * codes and lib/emulator/CONTRACT.md for the fronts):
 * - `error`: not acted on; answered with this error (`code` of the rule's front, or of any front for
 *   a rule without `front`; `status` defaults to the code's own, and is absent on gRPC-only rules).
 * - `delay`: acted on after `ms` of added latency (not at all if the client leaves meanwhile).
 * - `reset` `before`: the connection (gRPC: the call's stream) is reset, nothing was done. `after`:
 *   the server acted (message stored, acked, delivered), then the reset instead of an answer.
 * - `drop`: the server acted; the answer never comes (the connection stays open and silent).
 * - `stall`: the server acted; the status and headers are sent, the body never.
 * - `trickle`: the server acted; the answer is sent one byte every `intervalMs`.
 */
export type FaultAction =
  | { kind: 'error'; code: string; status?: number; message?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset'; when: 'before' | 'after' }
  | { kind: 'drop' }
  | { kind: 'stall' }
  | { kind: 'trickle'; intervalMs: number };

export type FaultKind = FaultAction['kind'];

/** Kinds applied to the answer once the server has acted (reset after, drop, stall, trickle). */
export function actsAfter(action: FaultAction): boolean {
  return (
    action.kind === 'drop' ||
    action.kind === 'stall' ||
    action.kind === 'trickle' ||
    (action.kind === 'reset' && action.when === 'after')
  );
}
export const FAULT_KINDS: readonly FaultKind[] = [
  'error',
  'delay',
  'reset',
  'drop',
  'stall',
  'trickle',
];

/**
 * A rule as given by users (config file, CLI, admin API, testing helper). The rule applies to a
 * matching request when: it has applied fewer than `count` times (no limit when absent), at least
 * `after` matching requests have passed it by (default 0), and a draw of the seeded generator falls
 * under `probability` (always when absent). Rules are tried in the order they were added; the first
 * that applies decides.
 */
export interface FaultRuleInput {
  match?: FaultMatch;
  probability?: number;
  count?: number;
  after?: number;
  action: FaultAction;
}

/** A rule as listed by `stats()` and `GET /_emulator/faults`. */
export interface FaultRuleView {
  id: string;
  match: FaultMatch;
  probability?: number;
  count?: number;
  after?: number;
  action: FaultAction;
  /** Faults this rule injected. */
  hits: number;
  /** Requests that matched `match` while the rule was active (including the ones let through). */
  matched: number;
  /** `count` reached: the rule no longer applies (it stays listed until removed). */
  exhausted: boolean;
}

export interface FaultStats {
  /** Seed of the generator behind `probability` (random unless configured; set it to replay a run). */
  seed: number;
  rules: FaultRuleView[];
  /** Every fault injected since start, removed rules included. */
  injected: { total: number; byKind: Record<FaultKind, number> };
}

/** One request, as a front describes it when it asks for a decision. */
export interface FaultRequest {
  front: FaultFront;
  operation: FaultOperation;
  topic: string;
  group?: string;
  /** The request's instance id (namespace); '' when it has none. */
  instanceId: string;
}

/** The decision for a request a rule picked (`decide` returns undefined to let it pass). */
export interface FaultDecision {
  ruleId: string;
  /** The rule's action; an `error` has its `status` and `message` filled in. */
  action: FaultAction;
}

/** The options key `faults` (config file, `startEmulator`). */
export interface EmulatorFaultOptions {
  /** Seed of the generator (integer 0 to 2^32-1); random when absent (shown by `stats()`). */
  seed?: number;
  /** Rules active from the start. */
  rules?: FaultRuleInput[];
}

/** In-process control of the fault injector (`RunningEmulator.faults`, the testing harness). */
export interface EmulatorFaults {
  /** Adds a rule (validated; throws `FaultRuleError` naming the bad field) and returns its id. */
  add(rule: FaultRuleInput): string;
  /** Removes a rule; false when there is no such rule. */
  remove(id: string): boolean;
  /** Removes every rule (the injected counters stay). */
  clear(): void;
  /** Seed, rules with their hits, and the injected counters. */
  stats(): FaultStats;
}
