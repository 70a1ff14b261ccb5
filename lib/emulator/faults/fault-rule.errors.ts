/** The error of a rule that cannot be used, and how its messages quote a value. */

/** A rule that cannot be used; `field` is its path inside the rule, e.g. `action.code`. */
export class FaultRuleError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'FaultRuleError';
  }
}

/** A value as an error message quotes it (long strings cut). */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
