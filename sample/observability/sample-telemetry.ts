import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { OrderTraces } from './order-traces.js';

/**
 * The sample's OpenTelemetry SDK, registered before the Nest app is created (as an application
 * does in its first import): metrics always, read by `GET /metrics` in Prometheus' text format;
 * traces with `--trace`, kept in memory and drawn per order by `GET /orders/:id/trace`.
 */
export class SampleTelemetry {
  private constructor(
    readonly prometheus: PrometheusExporter,
    private readonly meterProvider: MeterProvider,
    /** Undefined unless tracing was asked for. */
    readonly traces: OrderTraces | undefined,
    private readonly tracerProvider: BasicTracerProvider | undefined,
  ) {}

  static start(tracing: boolean): SampleTelemetry {
    // No server of its own: the app's `GET /metrics` hands requests to it.
    const prometheus = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [prometheus] });
    metrics.setGlobalMeterProvider(meterProvider);
    if (!tracing) return new SampleTelemetry(prometheus, meterProvider, undefined, undefined);
    const traces = new OrderTraces();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [traces] });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
    return new SampleTelemetry(prometheus, meterProvider, traces, tracerProvider);
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider?.shutdown();
    await this.meterProvider.shutdown();
  }
}
