/**
 * CPU per message of the tuned Nest drain, repeated: compares builds (e.g. before and after a
 * change on the hot path) on a shared machine, where wall-clock rates move too much.
 *   node dist/bench/tools/drain-cpu.js [rounds=5] [messages=20000] [off|context|metrics|traces+metrics] [message|batch]
 * Prints one line per drain and the median. Each drain: prefill (messages carry a producer's
 * traceparent), then drain with the telemetry variant registered. With PROFILE_DIR set, the last
 * drain is CPU-profiled (the prefill excluded); summarize with cpu-profile.top.js.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { names } from '../harness/bench.context.js';
import {
  installTelemetry,
  PRODUCER_TRACEPARENT,
  TELEMETRY_VARIANTS,
  type TelemetryVariant,
} from '../harness/otel.sdk.js';
import { median } from '../harness/percentiles.js';
import { prefill } from '../harness/prefill.js';
import { startEmulatorChild } from '../harness/servers.js';
import { drainWithNest } from '../scenarios/drain.runs.js';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const messages = Number(process.argv[3] ?? 20_000);
  const variant = (process.argv[4] ?? 'off') as TelemetryVariant;
  // `batch`: the same tuned consumer as a batch handler (`batch: true`).
  const handler = process.argv[5] ?? 'message';
  if (handler !== 'message' && handler !== 'batch') {
    throw new Error(`unknown handler kind ${handler} (message | batch)`);
  }
  const consumer = { ...FULL_CONFIG.drain.tuned, batch: handler === 'batch' };
  if (!TELEMETRY_VARIANTS.includes(variant)) {
    throw new Error(`unknown variant ${variant} (${TELEMETRY_VARIANTS.join(' | ')})`);
  }
  const emulator = await startEmulatorChild();
  const log = (line: string): void => void process.stderr.write(`[drain-cpu] ${line}\n`);
  const ctx = { config: FULL_CONFIG, credentials: EMULATOR_CREDENTIALS, emulator, log };
  const costs: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const scenario = `drain-cpu-${process.pid}-r${round}`;
      await prefill(ctx, emulator.endpoint, names(scenario).topic, messages, false, {
        traceparent: PRODUCER_TRACEPARENT,
      });
      const uninstall = installTelemetry(variant);
      const profile = process.env.PROFILE_DIR !== undefined && round === rounds;
      const session = profile ? new Session() : undefined;
      if (session !== undefined) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      try {
        const result = await drainWithNest(
          ctx,
          { scenario, messages, endpoint: emulator.endpoint },
          consumer,
        );
        const cost = ((result.benchCpuPct / 100) * 1e6) / result.rate;
        costs.push(cost);
        console.log(
          `${variant} ${handler} round ${round}: ${cost.toFixed(2)} µs CPU/msg, ${Math.round(result.rate)} msg/s`,
        );
      } finally {
        if (session !== undefined) {
          const { profile: data } = await session.post('Profiler.stop');
          const file = join(process.env.PROFILE_DIR!, `drain-${variant}.cpuprofile`);
          writeFileSync(file, JSON.stringify(data));
          session.disconnect();
          log(`profile written to ${file}`);
        }
        await uninstall();
      }
    }
  } finally {
    await emulator.stop();
  }
  console.log(
    `${variant} ${handler} median: ${median(costs).toFixed(2)} µs CPU/msg over ${rounds} drains`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
