/**
 * The OpenTelemetry SDK as an application registers it, for the telemetry-cost scenario: spans go
 * through a BatchSpanProcessor to an exporter that drops them (the export itself is the
 * application's choice and cost), metrics are aggregated by a MeterProvider whose reader is not
 * collected during the drain, and the AsyncLocalStorage context manager is enabled, as the
 * NodeSDK does.
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/**
 * `off`: the API is installed but no SDK registered (telemetry inactive). `context`: only the
 * AsyncLocalStorage context manager (telemetry still inactive): what it costs every promise of the
 * process, whoever creates them, apart from the spans.
 */
export type TelemetryVariant = 'off' | 'context' | 'metrics' | 'traces+metrics';

export const TELEMETRY_VARIANTS: readonly TelemetryVariant[] = [
  'off',
  'context',
  'metrics',
  'traces+metrics',
];

class IdleReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Counts what it is given and drops it. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** Registers the variant's SDK globally; resolves with its uninstall. */
export function installTelemetry(variant: TelemetryVariant): () => Promise<void> {
  if (variant === 'off') return async () => undefined;
  if (variant === 'context') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    // Node turns AsyncLocalStorage's promise hooks on at the first context entered, and an
    // instrumented application enters one per request: from then on every promise pays.
    context.with(context.active(), () => undefined);
    return async () => void context.disable();
  }
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  metrics.setGlobalMeterProvider(meterProvider);
  let tracerProvider: BasicTracerProvider | undefined;
  if (variant === 'traces+metrics') {
    tracerProvider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new DroppingExporter())],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
  }
  return async () => {
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    await tracerProvider?.shutdown();
    await meterProvider.shutdown();
  };
}

/** The trace context a traced producer puts into every message (extracted by every variant). */
export const PRODUCER_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
