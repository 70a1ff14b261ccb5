/**
 * Emulator CPU per HTTP publish, in memory and with `--data-dir`, for this build and optionally
 * another one, all measured in the same run: the emulators are children side by side and take
 * turns window by window (so that other tenants of a shared machine disturb every variant alike).
 * Each window resets the emulator, then sends `publishes` pre-signed publishes (scenario 4a's raw
 * client, c=32) and reads the child's CPU time from /proc: µs of emulator CPU per publish, and its
 * inverse, publishes per second per server core. Medians over the rounds; durable/memory is the
 * median of the per-round ratios.
 *
 *   node dist/bench/tools/emulator-cost.micro.js [publishes=20000] [rounds=5] [concurrency=32]
 *     [--baseline <main.js of another build>] [--main <main.js measured as "this build">]
 *     [--only memory|durable] [--profile <dir>]
 *
 * E.g. the code before a change:
 *   git archive <commit> | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   (cd /tmp/base && npx tsc -p tsconfig.build.json && node scripts/copy-assets.mjs)
 *   node dist/bench/tools/emulator-cost.micro.js 20000 7 32 --baseline /tmp/base/dist/lib/emulator/cli/main.js
 * `--profile <dir>` starts the children with --cpu-prof (profiles appear when they stop).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { RawUndiciPublisher } from '../clients/raw-undici.publisher.js';
import type { RunningChild } from '../harness/child.process.js';
import { median } from '../harness/percentiles.js';
import { processCpuMs } from '../harness/proc.stats.js';
import { resetEmulator, startEmulatorChild } from '../harness/servers.js';

type Mode = 'memory' | 'durable';

interface Variant {
  name: string;
  mode: Mode;
  build: string;
  child: RunningChild;
  publisher: RawUndiciPublisher;
  /** µs of emulator CPU per publish, one per round. */
  costs: number[];
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args.splice(at, 2)[1];
}

async function window(v: Variant, publishes: number, concurrency: number): Promise<number> {
  await resetEmulator(v.child.endpoint);
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < publishes) {
      sent++;
      await v.publisher.publish();
    }
  };
  const before = processCpuMs(v.child.pid);
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ((processCpuMs(v.child.pid) - before) * 1000) / publishes;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const baseline = option(args, '--baseline');
  const mainOverride = option(args, '--main');
  const only = option(args, '--only');
  const profileDir = option(args, '--profile');
  const publishes = Number(args[0] ?? 20_000);
  const rounds = Number(args[1] ?? 5);
  const concurrency = Number(args[2] ?? 32);
  const builds: Array<[string, string | undefined]> = [['this build', mainOverride]];
  if (baseline !== undefined) builds.push(['baseline', baseline]);
  const modes: Mode[] = only === 'memory' || only === 'durable' ? [only] : ['memory', 'durable'];
  const dirs: string[] = [];
  const variants: Variant[] = [];
  const nodeArgs =
    profileDir === undefined ? undefined : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  try {
    for (const [build, main] of builds) {
      for (const mode of modes) {
        // startEmulatorChild reads BENCH_EMULATOR_MAIN: set it for the baseline's children only.
        if (main === undefined) delete process.env['BENCH_EMULATOR_MAIN'];
        else process.env['BENCH_EMULATOR_MAIN'] = main;
        let dataDir: string | undefined;
        if (mode === 'durable') {
          dataDir = mkdtempSync(join(tmpdir(), 'mq-emulator-cost-'));
          dirs.push(dataDir);
        }
        const child = await startEmulatorChild({
          ...(dataDir !== undefined ? { dataDir } : {}),
          ...(nodeArgs !== undefined ? { nodeArgs } : {}),
        });
        const publisher = new RawUndiciPublisher(
          child.endpoint,
          'cost',
          FULL_CONFIG.body,
          EMULATOR_CREDENTIALS,
          concurrency,
        );
        variants.push({ name: `${build}, ${mode}`, mode, build, child, publisher, costs: [] });
      }
    }
    for (const v of variants) await window(v, Math.min(publishes, 5_000), concurrency); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) v.costs.push(await window(v, publishes, concurrency));
    }
    process.stdout.write(
      `emulator CPU per publish, c=${concurrency}, ${rounds} rounds × ${publishes} publishes:\n`,
    );
    for (const v of variants) {
      const us = median(v.costs);
      process.stdout.write(
        `  ${v.name.padEnd(22)} median ${us.toFixed(2)} µs (${Math.round(1e6 / us)} msg/s per ` +
          `core), rounds ${v.costs.map((c) => c.toFixed(1)).join(' ')}\n`,
      );
    }
    for (const [build] of builds) {
      const memory = variants.find((v) => v.build === build && v.mode === 'memory');
      const durable = variants.find((v) => v.build === build && v.mode === 'durable');
      if (memory === undefined || durable === undefined) continue;
      // CPU per publish inverted: durable msg/s per core over memory's, round by round.
      const ratios = memory.costs.map((m, i) => m / (durable.costs[i] as number));
      process.stdout.write(
        `  ${build}: durable/memory per core ${median(ratios).toFixed(3)} ` +
          `(rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})\n`,
      );
    }
    const ours = variants.filter((v) => v.build === 'this build');
    for (const v of variants.filter((x) => x.build === 'baseline')) {
      const mine = ours.find((o) => o.mode === v.mode);
      if (mine === undefined) continue;
      const ratios = v.costs.map((b, i) => b / (mine.costs[i] as number));
      process.stdout.write(
        `  ${v.mode}: baseline CPU / this build's ${median(ratios).toFixed(3)} ` +
          `(rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})\n`,
      );
    }
  } finally {
    for (const v of variants) {
      await v.publisher.close();
      await v.child.stop();
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
