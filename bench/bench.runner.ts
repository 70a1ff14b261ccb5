/**
 * Runs every scenario in one process, in one go, so that all ratios compare figures measured
 * under the same conditions. A scenario that fails is reported as failed and the others still run.
 */
import { describeConfig, type BenchConfig } from './bench.config.js';
import type { BenchCredentials } from './clients/presigned.request.js';
import type { BenchContext } from './harness/bench.context.js';
import { describe } from './harness/load.runner.js';
import { machineInfo } from './harness/machine.info.js';
import type { BenchReport, ResultRow, SectionId, TargetCheck } from './harness/report.types.js';
import { startEmulatorChild } from './harness/servers.js';

/** The emulator's development credentials (its default in strict auth mode). */
export const EMULATOR_CREDENTIALS: BenchCredentials = {
  accessKeyId: 'emulator',
  accessKeySecret: 'emulator-secret',
};

type Scenario = (ctx: BenchContext) => Promise<{ rows: ResultRow[]; targets: TargetCheck[] }>;

/**
 * Scenarios are imported when they run: a scenario whose dependencies are broken (say, the Nest
 * module does not build) then fails alone instead of taking the whole run down.
 */
export const SCENARIOS: ReadonlyArray<readonly [SectionId, () => Promise<Scenario>]> = [
  ['publish', async () => (await import('./scenarios/publish.scenario.js')).runPublishScenario],
  ['drain', async () => (await import('./scenarios/drain.scenario.js')).runDrainScenario],
  ['latency', async () => (await import('./scenarios/latency.scenario.js')).runLatencyScenario],
  ['capacity', async () => (await import('./scenarios/capacity.scenario.js')).runCapacityScenario],
  [
    'idle-polls',
    async () => (await import('./scenarios/idle-polls.scenario.js')).runIdlePollsScenario,
  ],
  [
    'telemetry',
    async () => (await import('./scenarios/telemetry.scenario.js')).runTelemetryScenario,
  ],
  ['soak', async () => (await import('./scenarios/soak.scenario.js')).runSoakScenario],
  ['hostile', async () => (await import('./scenarios/hostile.scenario.js')).runHostileScenario],
  [
    'rocketmq5',
    async () => (await import('./scenarios/rocketmq5.scenario.js')).runRocketMQ5Scenario,
  ],
];

export interface RunOptions {
  /** Only these sections (default: all). */
  only?: readonly SectionId[];
  log?: (line: string) => void;
}

export interface ScenarioFailure {
  section: SectionId;
  error: string;
}

export async function runBenchmarks(
  config: BenchConfig,
  options: RunOptions = {},
): Promise<BenchReport & { failures: ScenarioFailure[] }> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`));
  const machine = machineInfo();
  const rows: ResultRow[] = [];
  const targets: TargetCheck[] = [];
  const failures: ScenarioFailure[] = [];
  const emulator = await startEmulatorChild();
  log(`emulator pid ${emulator.pid} at ${emulator.endpoint}`);
  const ctx: BenchContext = { config, credentials: EMULATOR_CREDENTIALS, emulator, log };
  try {
    for (const [section, load] of SCENARIOS) {
      if (options.only !== undefined && !options.only.includes(section)) continue;
      const scenarioStart = performance.now();
      log(`--- ${section}`);
      try {
        const result = await (await load())(ctx);
        rows.push(...result.rows);
        targets.push(...result.targets);
      } catch (error) {
        failures.push({ section, error: describe(error) });
        log(
          `${section} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      log(`${section} took ${((performance.now() - scenarioStart) / 1000).toFixed(1)} s`);
    }
  } finally {
    await emulator.stop();
  }
  return {
    machine,
    settings: describeConfig(config),
    rows,
    targets,
    failures,
    totalSeconds: (performance.now() - started) / 1000,
  };
}
