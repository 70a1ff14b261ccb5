/**
 * Scenario 2: end-to-end drain. The same number of pre-published messages is consumed and acked by
 * a Nest app with `@MQConsumer` (module defaults, then tuned), and by the official SDK's README
 * loop (consume a batch with a long poll, ack the batch). Each drain is timed from its first
 * delivery to its last ack, so the start-up of either side is not counted against it.
 */
import { officialClient, officialConsumeLoop } from '../clients/official-sdk.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import { describe } from '../harness/load.runner.js';
import { prefill } from '../harness/prefill.js';
import { CpuMeter } from '../harness/proc.stats.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { within } from '../harness/timeout.js';
import { startConsumerApp } from './nest-consumer.app.js';
import { ratio } from './publish.scenario.js';

/** A drain that stalls this long is a bug, not a slow result. */
const DRAIN_TIMEOUT_MS = 180_000;

export interface DrainResult {
  rate: number;
  benchCpuPct: number;
  serverCpuPct: number;
}

/** Rate and CPU of a drain measured from `first` (first delivery) to now, when the last ack landed. */
function finishDrain(total: number, first: number, meter: CpuMeter | undefined): DrainResult {
  const end = performance.now();
  if (meter === undefined) throw new Error('bench: drain finished without any delivery');
  const cpu = meter.read();
  return {
    rate: (total * 1000) / (end - first),
    benchCpuPct: cpu.benchPct,
    serverCpuPct: cpu.serverPct[0] ?? 0,
  };
}

/** CPU µs per message of each process: the cost of a drain, little affected by other tenants. */
function cpuPerMessage(r: DrainResult): string {
  const perMessage = (pct: number): number => Math.round(((pct / 100) * 1e6) / r.rate);
  return `${perMessage(r.benchCpuPct)} µs bench + ${perMessage(r.serverCpuPct)} µs server CPU/msg`;
}

/** Fills the scenario's topic (not timed); call before the matching drain. */
export async function prefillDrain(ctx: BenchContext, scenario: string): Promise<void> {
  await prefill(ctx, ctx.emulator.endpoint, names(scenario).topic, ctx.config.drain.messages);
}

export async function drainWithNest(
  ctx: BenchContext,
  scenario: string,
  consumer: { concurrency: number; batchSize: number } | undefined,
): Promise<DrainResult> {
  const { topic, group } = names(scenario);
  const total = ctx.config.drain.messages;
  let first = 0;
  let meter: CpuMeter | undefined;
  let acked = 0;
  let failure: string | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const app = await startConsumerApp({
    endpoint: ctx.emulator.endpoint,
    credentials: ctx.credentials,
    topic,
    group,
    consumer,
    onHandlerStart: () => {
      if (first !== 0) return;
      first = performance.now();
      meter = new CpuMeter([ctx.emulator.pid]);
    },
    onEvent: (event) => {
      if (event.type === 'message.acked') {
        if (++acked === total) finish();
      } else if (event.type === 'message.failed' || event.type === 'message.ack-failed') {
        failure ??= `${event.type}: ${'error' in event ? describe(event.error) : ''}`;
        finish();
      }
    },
  });
  try {
    await within(done, DRAIN_TIMEOUT_MS, `Nest drain (${scenario}) stalled`);
    const result = finishDrain(total, first, meter);
    if (failure !== undefined) {
      throw new Error(`bench: Nest drain (${scenario}) failed: ${failure}`);
    }
    return result;
  } finally {
    await app.close();
  }
}

export async function drainWithOfficialSdk(
  ctx: BenchContext,
  scenario: string,
): Promise<DrainResult> {
  const { topic, group } = names(scenario);
  const total = ctx.config.drain.messages;
  let first = 0;
  let meter: CpuMeter | undefined;
  await within(
    officialConsumeLoop(officialClient(ctx.emulator.endpoint, ctx.credentials), topic, group, {
      total,
      batch: ctx.config.drain.officialBatch,
      waitSeconds: ctx.config.drain.officialWaitSeconds,
      onMessage: () => {
        if (first !== 0) return;
        first = performance.now();
        meter = new CpuMeter([ctx.emulator.pid]);
      },
    }),
    DRAIN_TIMEOUT_MS,
    'official SDK drain stalled',
  );
  return finishDrain(total, first, meter);
}

export async function runDrainScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const tuned = ctx.config.drain.tuned;
  await prefillDrain(ctx, 'drain-official');
  const official = await drainWithOfficialSdk(ctx, 'drain-official');
  ctx.log(`drain official SDK: ${Math.round(official.rate)} msg/s`);
  await prefillDrain(ctx, 'drain-nest-defaults');
  const defaults = await drainWithNest(ctx, 'drain-nest-defaults', undefined);
  ctx.log(`drain Nest defaults: ${Math.round(defaults.rate)} msg/s`);
  await prefillDrain(ctx, 'drain-nest-tuned');
  const tunedResult = await drainWithNest(ctx, 'drain-nest-tuned', tuned);
  ctx.log(`drain Nest tuned: ${Math.round(tunedResult.rate)} msg/s`);

  const n = ctx.config.drain.messages.toLocaleString('en-US');
  const row = (id: string, label: string, r: DrainResult, detail: string): ResultRow => ({
    id,
    section: 'drain',
    label,
    value: r.rate,
    unit: 'msg/s',
    detail,
    benchCpuPct: r.benchCpuPct,
    serverCpuPct: r.serverCpuPct,
  });
  return {
    rows: [
      row(
        'drain.official',
        `official SDK README loop (batch ${ctx.config.drain.officialBatch}, ack per batch), ${n} msgs`,
        official,
        `baseline; ${cpuPerMessage(official)}`,
      ),
      row(
        'drain.nest.defaults',
        `Nest @MQConsumer, module defaults, ${n} msgs`,
        defaults,
        `${ratio(defaults.rate, official.rate)} official; ${cpuPerMessage(defaults)}`,
      ),
      row(
        'drain.nest.tuned',
        `Nest @MQConsumer, concurrency ${tuned.concurrency}, batch ${tuned.batchSize}, ${n} msgs`,
        tunedResult,
        `${ratio(tunedResult.rate, official.rate)} official; ${cpuPerMessage(tunedResult)}`,
      ),
    ],
    targets: [
      target('drain: Nest tuned / official SDK loop', tunedResult.rate / official.rate, 'min', 3),
      target('drain: Nest defaults / official SDK loop', defaults.rate / official.rate, 'min', 3),
    ],
  };
}
