/** Small predicates shared by the module and consumer option validation. */

export function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function isPolicy(value: unknown): value is 'retry' | 'ack' {
  return value === 'retry' || value === 'ack';
}
