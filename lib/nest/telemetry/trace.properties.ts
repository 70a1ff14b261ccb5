/**
 * Trace context in message user properties (`traceparent`, `tracestate`, and whatever else the
 * application's propagator writes, e.g. `baggage`), as RocketMQ's Java instrumentation does.
 * Injection must never make a publish fail: a pair the protocol cannot carry is left out.
 */
import type { Context } from '@opentelemetry/api';
import type { OTelApi } from './otel.loader.js';

/** Characters user properties cannot carry (PROTOCOL.md §5), and anything but printable ASCII. */
const UNSENDABLE = /[^\x20-\x7e]|[&"'<>:|]/;
/** Longer values are left out (a large baggage would eat into the 16 KB properties budget). */
const MAX_VALUE_LENGTH = 1024;

function sendable(key: string, value: string): boolean {
  return (
    key.length > 0 &&
    value.length > 0 &&
    value.length <= MAX_VALUE_LENGTH &&
    !UNSENDABLE.test(key) &&
    !UNSENDABLE.test(value)
  );
}

/**
 * `properties` plus the propagation fields of `context` (a new object; the caller's is not
 * changed). A key the application set itself wins: it propagates its own context.
 */
export function withTraceContext(
  api: OTelApi,
  context: Context,
  properties: Record<string, string> | undefined,
): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  api.propagation.inject(context, fields, api.defaultTextMapSetter);
  let merged: Record<string, string> | undefined;
  for (const key in fields) {
    const value = fields[key]!;
    if (properties?.[key] !== undefined || !sendable(key, value)) continue;
    merged ??= { ...properties };
    merged[key] = value;
  }
  return merged ?? properties;
}

/** The context a message was published in (the root context when it carries none). */
export function extractTraceContext(api: OTelApi, properties: Record<string, string>): Context {
  return api.propagation.extract(api.ROOT_CONTEXT, properties, api.defaultTextMapGetter);
}
