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

interface DrainResult {
  rate: number;
  benchCpuPct: number;
  serverCpuPct: number;
}

async function drainWithNest(
  ctx: BenchContext,
  scenario: string,
  consumer: { concurrency: number; batchSize: number } | undefined,
): Promise<DrainResult> {
  const { topic, group } = names(scenario);
  const total = ctx.config.drain.messages;
  await prefill(ctx, ctx.emulator.endpoint, topic, total);
  let first = 0;
  let acked = 0;
  let failure: string | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const meter = new CpuMeter([ctx.emulator.pid]);
  const app = await startConsumerApp({
    endpoint: ctx.emulator.endpoint,
    credentials: ctx.credentials,
    topic,
    group,
    consumer,
    onHandlerStart: () => {
      if (first === 0) first = performance.now();
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
    const end = performance.now();
    const cpu = meter.read();
    if (failure !== undefined)
      throw new Error(`bench: Nest drain (${scenario}) failed: ${failure}`);
    return {
      rate: (total * 1000) / (end - first),
      benchCpuPct: cpu.benchPct,
      serverCpuPct: cpu.serverPct[0] ?? 0,
    };
  } finally {
    await app.close();
  }
}

async function drainWithOfficialSdk(ctx: BenchContext): Promise<DrainResult> {
  const { topic, group } = names('drain-official');
  const total = ctx.config.drain.messages;
  await prefill(ctx, ctx.emulator.endpoint, topic, total);
  let first = 0;
  const meter = new CpuMeter([ctx.emulator.pid]);
  await within(
    officialConsumeLoop(officialClient(ctx.emulator.endpoint, ctx.credentials), topic, group, {
      total,
      batch: ctx.config.drain.officialBatch,
      waitSeconds: ctx.config.drain.officialWaitSeconds,
      onMessage: () => {
        if (first === 0) first = performance.now();
      },
    }),
    DRAIN_TIMEOUT_MS,
    'official SDK drain stalled',
  );
  const end = performance.now();
  const cpu = meter.read();
  return {
    rate: (total * 1000) / (end - first),
    benchCpuPct: cpu.benchPct,
    serverCpuPct: cpu.serverPct[0] ?? 0,
  };
}

export async function runDrainScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const tuned = ctx.config.drain.tuned;
  const official = await drainWithOfficialSdk(ctx);
  ctx.log(`drain official SDK: ${Math.round(official.rate)} msg/s`);
  const defaults = await drainWithNest(ctx, 'drain-nest-defaults', undefined);
  ctx.log(`drain Nest defaults: ${Math.round(defaults.rate)} msg/s`);
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
        'baseline',
      ),
      row(
        'drain.nest.defaults',
        `Nest @MQConsumer, module defaults, ${n} msgs`,
        defaults,
        `${ratio(defaults.rate, official.rate)} official`,
      ),
      row(
        'drain.nest.tuned',
        `Nest @MQConsumer, concurrency ${tuned.concurrency}, batch ${tuned.batchSize}, ${n} msgs`,
        tunedResult,
        `${ratio(tunedResult.rate, official.rate)} official`,
      ),
    ],
    targets: [
      target('drain: Nest tuned / official SDK loop', tunedResult.rate / official.rate, 'min', 3),
      target('drain: Nest defaults / official SDK loop', defaults.rate / official.rate, 'min', 3),
    ],
  };
}
