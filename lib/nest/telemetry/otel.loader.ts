/**
 * `@opentelemetry/api` is an optional peer: loaded once, lazily, when the first connection opens,
 * and tolerated when absent (telemetry is then off and costs nothing). Only this file imports it
 * at run time; the other telemetry files import its types only.
 */
import type * as OTelApiModule from '@opentelemetry/api';

/** The OpenTelemetry API module, as loaded. */
export type OTelApi = typeof OTelApiModule;

let loading: Promise<OTelApi | undefined> | undefined;

/** The API, or undefined when the application has no `@opentelemetry/api` installed. */
export function loadOpenTelemetry(): Promise<OTelApi | undefined> {
  loading ??= import('@opentelemetry/api').then(
    (api) => (typeof api.trace?.getTracerProvider === 'function' ? api : undefined),
    () => undefined,
  );
  return loading;
}
