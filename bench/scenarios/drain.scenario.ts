/**
 * Scenario 2: end-to-end drain. The same number of pre-published messages is consumed and acked by
 * a Nest app with `@MQConsumer` (module defaults, then tuned, then the tuned one as a batch
 * handler), and by the official SDK's README
 * loop (consume a batch with a long poll, ack the batch). Then the tuned Nest app and the SDK loop
 * again through a proxy that adds a network round trip: against a local emulator the SDK's
 * one-request-at-a-time loop is CPU-bound, not latency-bound as it is against a cloud endpoint.
 */
import type { BenchContext } from '../harness/bench.context.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { resetEmulator, startLatencyProxy } from '../harness/servers.js';
import {
  drainWithNest,
  drainWithOfficialSdk,
  prefillDrain,
  type DrainResult,
  type DrainSpec,
} from './drain.runs.js';
import { median, ratio } from '../harness/percentiles.js';

/** µs of the bench process's CPU per message (the Nest app's cost in a Nest drain). */
function benchCpuPerMessage(r: DrainResult): number {
  return ((r.benchCpuPct / 100) * 1e6) / r.rate;
}

/** CPU µs per message of each process: the cost of a drain, little affected by other tenants. */
function cpuPerMessage(r: DrainResult): string {
  const perMessage = (pct: number): number => Math.round(((pct / 100) * 1e6) / r.rate);
  return `${perMessage(r.benchCpuPct)} µs bench + ${perMessage(r.serverCpuPct)} µs server CPU/msg`;
}

/** The fastest of several runs (the least disturbed by other tenants). */
function best(results: readonly DrainResult[]): DrainResult {
  return results.reduce((a, b) => (b.rate > a.rate ? b : a));
}

function row(id: string, label: string, r: DrainResult, detail: string): ResultRow {
  return {
    id,
    section: 'drain',
    label,
    value: r.rate,
    unit: 'msg/s',
    detail: `${detail}; ${cpuPerMessage(r)}`,
    benchCpuPct: r.benchCpuPct,
    serverCpuPct: r.serverCpuPct,
  };
}

export async function runDrainScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const { tuned, messages, rtt } = ctx.config.drain;
  const local = (scenario: string): DrainSpec => ({
    scenario,
    messages,
    endpoint: ctx.emulator.endpoint,
  });
  const run = async (spec: DrainSpec, label: string, drain: () => Promise<DrainResult>) => {
    // Every drain starts from an empty broker: what earlier scenarios and drains left retained
    // (up to the retention budget) would otherwise weigh on the emulator's heap and GC.
    await resetEmulator(ctx.emulator.endpoint);
    await prefillDrain(ctx, spec);
    const result = await drain();
    ctx.log(`drain ${label}: ${Math.round(result.rate)} msg/s`);
    return result;
  };

  // The official loop and the tuned app alternate, round by round, and their ratio is the median
  // of the per-round ratios; the (slow) defaults run once, after the first round.
  const officials: DrainResult[] = [];
  const tuneds: DrainResult[] = [];
  // The same tuned consumer as a batch handler (`batch: true`), right after it in every round.
  const batches: DrainResult[] = [];
  const batchOptions = { ...tuned, batch: true };
  // Not a target: the same consumer with four batches of slots (four polls in flight), in every
  // round, to show what the tuning itself buys next to the targets' consumer.
  const wide = { ...tuned, concurrency: 4 * tuned.batchSize };
  const wides: DrainResult[] = [];
  let defaults: DrainResult | undefined;
  // Untimed warm-up of each client (JIT, connection pools), as the publish scenario does: the
  // first timed round would otherwise measure the compiler as much as the client.
  const warmups: Array<[string, (spec: DrainSpec) => Promise<DrainResult>]> = [
    ['official SDK', (spec) => drainWithOfficialSdk(ctx, spec)],
    ['Nest tuned', (spec) => drainWithNest(ctx, spec, tuned)],
    ['Nest batch handler', (spec) => drainWithNest(ctx, spec, batchOptions)],
  ];
  for (const [i, [label, drain]] of warmups.entries()) {
    const spec = { ...local(`drain-warmup-${i}`), messages: ctx.config.drain.warmupMessages };
    await run(spec, `${label} warm-up`, () => drain(spec));
  }
  for (let round = 1; round <= ctx.config.drain.rounds; round++) {
    const officialSpec = local(`drain-official-r${round}`);
    officials.push(
      await run(officialSpec, `official SDK round ${round}`, () =>
        drainWithOfficialSdk(ctx, officialSpec),
      ),
    );
    const tunedSpec = local(`drain-nest-tuned-r${round}`);
    tuneds.push(
      await run(tunedSpec, `Nest tuned round ${round}`, () => drainWithNest(ctx, tunedSpec, tuned)),
    );
    const batchSpec = local(`drain-nest-batch-r${round}`);
    batches.push(
      await run(batchSpec, `Nest batch handler round ${round}`, () =>
        drainWithNest(ctx, batchSpec, batchOptions),
      ),
    );
    const wideSpec = local(`drain-nest-wide-r${round}`);
    wides.push(
      await run(wideSpec, `Nest concurrency ${wide.concurrency} round ${round}`, () =>
        drainWithNest(ctx, wideSpec, wide),
      ),
    );
    if (defaults === undefined) {
      const defaultsSpec = local('drain-nest-defaults');
      defaults = await run(defaultsSpec, 'Nest defaults', () =>
        drainWithNest(ctx, defaultsSpec, undefined),
      );
    }
  }
  if (defaults === undefined) throw new Error('bench: drain.rounds must be at least 1');
  const official = best(officials);
  const tunedResult = best(tuneds);
  const tunedRatio = median(tuneds.map((r, i) => r.rate / (officials[i] as DrainResult).rate));
  const batchResult = best(batches);
  const batchRatio = median(batches.map((r, i) => r.rate / (officials[i] as DrainResult).rate));
  // Against the per-message handler of the same round: rate, and CPU per message.
  const batchVsTuned = median(batches.map((r, i) => r.rate / (tuneds[i] as DrainResult).rate));
  const batchCpuVsTuned = median(
    batches.map((r, i) => benchCpuPerMessage(r) / benchCpuPerMessage(tuneds[i] as DrainResult)),
  );
  const wideResult = best(wides);
  const wideRatio = median(wides.map((r, i) => r.rate / (officials[i] as DrainResult).rate));
  const wideVsTuned = median(wides.map((r, i) => r.rate / (tuneds[i] as DrainResult).rate));
  const wideCpuVsTuned = median(
    wides.map((r, i) => benchCpuPerMessage(r) / benchCpuPerMessage(tuneds[i] as DrainResult)),
  );
  // The defaults ran next to round 1's official loop.
  const defaultsRatio = defaults.rate / (officials[0] as DrainResult).rate;

  const proxy = await startLatencyProxy(ctx.emulator.endpoint, rtt.oneWayDelayMs);
  let rttOfficial: DrainResult;
  let rttTuned: DrainResult;
  // Through a link, throughput is about (polls in flight × batch) per round trip: the same
  // consumer with room for four polls (the most a plain consumer sends) shows what concurrency buys.
  let rttWide: DrainResult;
  try {
    const remote = (scenario: string): DrainSpec => ({
      scenario,
      messages: rtt.messages,
      endpoint: proxy.endpoint,
    });
    const officialRemote = remote('drain-rtt-official');
    rttOfficial = await run(officialRemote, 'official SDK via proxy', () =>
      drainWithOfficialSdk(ctx, officialRemote),
    );
    const tunedRemote = remote('drain-rtt-nest-tuned');
    rttTuned = await run(tunedRemote, 'Nest tuned via proxy', () =>
      drainWithNest(ctx, tunedRemote, tuned),
    );
    const wideRemote = remote('drain-rtt-nest-wide');
    rttWide = await run(wideRemote, `Nest concurrency ${wide.concurrency} via proxy`, () =>
      drainWithNest(ctx, wideRemote, wide),
    );
  } finally {
    await proxy.stop();
  }

  const n = messages.toLocaleString('en-US');
  const m = rtt.messages.toLocaleString('en-US');
  const via = `via a proxy adding ${rtt.oneWayDelayMs} ms each way`;
  const tunedLabel = `concurrency ${tuned.concurrency}, batch ${tuned.batchSize}`;
  const sdkLabel = `official SDK README loop (batch ${ctx.config.drain.officialBatch}, ack per batch)`;
  return {
    rows: [
      row('drain.official', `${sdkLabel}, ${n} msgs`, official, 'baseline'),
      row(
        'drain.nest.defaults',
        `Nest @MQConsumer, module defaults, ${n} msgs`,
        defaults,
        `${defaultsRatio.toFixed(2)}× official`,
      ),
      row(
        'drain.nest.tuned',
        `Nest @MQConsumer, ${tunedLabel}, ${n} msgs`,
        tunedResult,
        `${tunedRatio.toFixed(2)}× official`,
      ),
      row(
        'drain.nest.batch',
        `Nest @MQConsumer batch handler (batch: true), ${tunedLabel}, ${n} msgs`,
        batchResult,
        `${batchRatio.toFixed(2)}× official, ${batchVsTuned.toFixed(2)}× the per-message handler; ` +
          `bench CPU/msg ${batchCpuVsTuned.toFixed(2)}× the per-message handler's`,
      ),
      row(
        'drain.nest.wide',
        `Nest @MQConsumer, concurrency ${wide.concurrency}, batch ${wide.batchSize}, ${n} msgs`,
        wideResult,
        `${wideRatio.toFixed(2)}× official, ${wideVsTuned.toFixed(2)}× the ${tunedLabel} consumer; ` +
          `bench CPU/msg ${wideCpuVsTuned.toFixed(2)}× its (not a target: more handler slots)`,
      ),
      row('drain.rtt.official', `${sdkLabel}, ${via}, ${m} msgs`, rttOfficial, 'baseline'),
      row(
        'drain.rtt.nest.tuned',
        `Nest @MQConsumer, ${tunedLabel}, ${via}, ${m} msgs`,
        rttTuned,
        `${ratio(rttTuned.rate, rttOfficial.rate)} official`,
      ),
      row(
        'drain.rtt.nest.wide',
        `Nest @MQConsumer, concurrency ${wide.concurrency}, batch ${wide.batchSize}, ${via}, ${m} msgs`,
        rttWide,
        `${ratio(rttWide.rate, rttOfficial.rate)} official; ${ratio(rttWide.rate, rttTuned.rate)} ` +
          `the ${tunedLabel} consumer (not a target: more handler slots)`,
      ),
    ],
    targets: [
      target('drain: Nest tuned / official SDK loop', tunedRatio, 'min', 3),
      target('drain: Nest defaults / official SDK loop', defaultsRatio, 'min', 3),
      target(
        `drain ${via}: Nest tuned / official SDK loop`,
        rttTuned.rate / rttOfficial.rate,
        'min',
        4,
      ),
      target(
        'drain: Nest tuned, bench (Nest process) CPU per message',
        median(tuneds.map(benchCpuPerMessage)),
        'max',
        12,
        'µs',
      ),
    ],
  };
}
