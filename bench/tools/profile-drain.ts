/**
 * Profiles one drain of scenario 2: `node dist/bench/tools/profile-drain.js <official|defaults|tuned> <dir>`.
 * The topic is filled first; then this process's CPU profile covers exactly the drain (inspector
 * Profiler started after the prefill), and the emulator child writes its own profile (whole life,
 * prefill included) into the same directory when it stops. Summarize with cpu-profile.top.js.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { startEmulatorChild } from '../harness/servers.js';
import { drainWithNest, drainWithOfficialSdk, prefillDrain } from '../scenarios/drain.runs.js';

async function main(): Promise<void> {
  const [variant, dir] = process.argv.slice(2);
  if (
    (variant !== 'official' && variant !== 'defaults' && variant !== 'tuned') ||
    dir === undefined
  ) {
    throw new Error('usage: profile-drain.js <official|defaults|tuned> <output dir>');
  }
  mkdirSync(dir, { recursive: true });
  const emulator = await startEmulatorChild({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const log = (line: string): void => void process.stderr.write(`[profile] ${line}\n`);
  const ctx = { config: FULL_CONFIG, credentials: EMULATOR_CREDENTIALS, emulator, log };
  const spec = {
    scenario: `profile-${variant}`,
    messages: FULL_CONFIG.drain.messages,
    endpoint: emulator.endpoint,
  };
  const session = new Session();
  session.connect();
  try {
    await prefillDrain(ctx, spec);
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result =
      variant === 'official'
        ? await drainWithOfficialSdk(ctx, spec)
        : await drainWithNest(ctx, spec, variant === 'tuned' ? FULL_CONFIG.drain.tuned : undefined);
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `bench-${variant}.cpuprofile`), JSON.stringify(profile));
    log(
      `${variant}: ${Math.round(result.rate)} msg/s, bench CPU ${Math.round(result.benchCpuPct)} %, ` +
        `emulator CPU ${Math.round(result.serverCpuPct)} %`,
    );
  } finally {
    session.disconnect();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
