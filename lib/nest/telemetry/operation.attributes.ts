import type { Attributes } from '@opentelemetry/api';
import { ATTR } from './telemetry.names.js';

/** Error types are few (class names, service codes); past this many, attributes are not cached. */
const MAX_CACHED = 64;

/**
 * Metric attributes of one consumer's operations, built once per (operation, error type) and
 * reused: recording a measurement then allocates nothing.
 */
export class OperationAttributes {
  private readonly cache = new Map<string, Attributes>();

  constructor(private readonly common: Attributes) {}

  get(operation: string, operationType: string | undefined, error?: string): Attributes {
    const key = `${operation}\u0000${operationType ?? ''}\u0000${error ?? ''}`;
    let attributes = this.cache.get(key);
    if (attributes === undefined) {
      attributes = { ...this.common, [ATTR.operationName]: operation };
      if (operationType !== undefined) attributes[ATTR.operationType] = operationType;
      if (error !== undefined) attributes[ATTR.errorType] = error;
      if (this.cache.size < MAX_CACHED) this.cache.set(key, attributes);
    }
    return attributes;
  }
}
