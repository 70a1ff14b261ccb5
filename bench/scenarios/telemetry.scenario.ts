/**
 * Scenario 5: what OpenTelemetry costs a drain. The tuned Nest app drains pre-published messages
 * (each carrying a producer's `traceparent`) with no SDK registered (the API installed: telemetry
 * inactive, the path every application without an SDK takes), with only the AsyncLocalStorage
 * context manager (still inactive: what that manager costs every promise of the process), with a
 * meter provider only, and with traces and metrics (BatchSpanProcessor, AsyncLocalStorage context
 * manager). The variants take turns, round by round; the added cost is the median of the per-round
 * differences in the bench process's CPU per message (wall-clock rates move too much on a shared
 * machine).
 */
import { names, type BenchContext } from '../harness/bench.context.js';
import {
  installTelemetry,
  PRODUCER_TRACEPARENT,
  TELEMETRY_VARIANTS,
  type TelemetryVariant,
} from '../harness/otel.sdk.js';
import { median } from '../harness/percentiles.js';
import { prefill } from '../harness/prefill.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { drainWithNest, type DrainResult } from './drain.runs.js';

const VARIANTS = TELEMETRY_VARIANTS;

/** CPU µs of the bench process (the Nest app) per message. */
export function cpuUsPerMessage(result: DrainResult): number {
  return ((result.benchCpuPct / 100) * 1e6) / result.rate;
}

export async function runTelemetryScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const { messages, rounds } = ctx.config.telemetry;
  const tuned = ctx.config.drain.tuned;
  const costs = new Map<TelemetryVariant, number[]>(VARIANTS.map((v) => [v, []]));
  const rates = new Map<TelemetryVariant, number[]>(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so that no variant always runs first (or right after a prefill burst).
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    for (const variant of order) {
      const scenario = `telemetry-${variant.replace('+', '-')}-r${round + 1}`;
      const spec = { scenario, messages, endpoint: ctx.emulator.endpoint };
      await prefill(ctx, spec.endpoint, names(scenario).topic, messages, false, {
        traceparent: PRODUCER_TRACEPARENT,
      });
      const uninstall = installTelemetry(variant);
      let result: DrainResult;
      try {
        result = await drainWithNest(ctx, spec, tuned);
      } finally {
        await uninstall();
      }
      costs.get(variant)!.push(cpuUsPerMessage(result));
      rates.get(variant)!.push(result.rate);
      ctx.log(
        `telemetry ${variant} round ${round + 1}: ${Math.round(result.rate)} msg/s, ${cpuUsPerMessage(result).toFixed(1)} µs CPU/msg`,
      );
    }
  }
  const off = costs.get('off')!;
  const added = (variant: TelemetryVariant): number =>
    median(costs.get(variant)!.map((cost, round) => cost - off[round]!));
  const n = messages.toLocaleString('en-US');
  const label = `concurrency ${tuned.concurrency}, batch ${tuned.batchSize}, ${n} msgs`;
  const row = (id: string, variant: TelemetryVariant, text: string, detail: string): ResultRow => ({
    id,
    section: 'telemetry',
    label: `${text}, ${label}`,
    value: median(costs.get(variant)!),
    unit: 'µs CPU/msg',
    detail: `${detail}; ${Math.round(median(rates.get(variant)!))} msg/s`,
  });
  const contextAdded = added('context');
  const metricsAdded = added('metrics');
  const tracesAdded = added('traces+metrics');
  const offCost = median(off);
  const share = (us: number) => `${us >= 0 ? '+' : ''}${((us / offCost) * 100).toFixed(0)} %`;
  return {
    rows: [
      row('telemetry.off', 'off', 'Nest drain, no OpenTelemetry SDK registered', 'baseline'),
      row(
        'telemetry.context',
        'context',
        'Nest drain, AsyncLocalStorage context manager only (no SDK)',
        `+${contextAdded.toFixed(1)} µs CPU/msg over no SDK (${share(contextAdded)})`,
      ),
      row(
        'telemetry.metrics',
        'metrics',
        'Nest drain, OpenTelemetry metrics',
        `+${metricsAdded.toFixed(1)} µs CPU/msg over no SDK (${share(metricsAdded)})`,
      ),
      row(
        'telemetry.traces-metrics',
        'traces+metrics',
        'Nest drain, OpenTelemetry traces and metrics',
        `+${tracesAdded.toFixed(1)} µs CPU/msg over no SDK (${share(tracesAdded)})`,
      ),
    ],
    targets: [],
  };
}
