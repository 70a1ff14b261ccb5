/**
 * `npm run chaos`: the chaos run at full size (bench/chaos/chaos.scenario.ts); prints its section
 * and writes it into BENCHMARKS.md (only that section). Options: `--smoke` (the `npm test` sizes),
 * `--seed N`, `--out FILE`, `--no-write`. Exits 1 when a must-hold figure is off (lost, false
 * ack-failed, unsettled calls, stranded messages).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness/repo-root.js';
import { spliceSection } from '../harness/kept.sections.js';
import { RELIABILITY_SECTION, renderChaosSection } from './chaos.report.js';
import {
  CHAOS_FULL_CONFIG,
  CHAOS_TEST_CONFIG,
  runChaos,
  type ChaosConfig,
} from './chaos.scenario.js';

function parseArgs(argv: string[]): { config: ChaosConfig; out: string | undefined } {
  let config: ChaosConfig = CHAOS_FULL_CONFIG;
  let out: string | undefined = join(repoRoot(), 'BENCHMARKS.md');
  let seed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') config = CHAOS_TEST_CONFIG;
    else if (arg === '--no-write') out = undefined;
    else if (arg === '--out') {
      out = argv[++i];
      if (out === undefined) throw new Error('chaos: --out needs a file name');
    } else if (arg === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isInteger(seed) || seed < 0) throw new Error('chaos: --seed needs an integer');
    } else {
      throw new Error(
        `chaos: unknown argument "${arg}" (use --smoke, --seed N, --out FILE, --no-write)`,
      );
    }
  }
  return { config: seed === undefined ? config : { ...config, seed }, out };
}

async function main(): Promise<void> {
  const { config, out } = parseArgs(process.argv.slice(2));
  const report = await runChaos(config, (line) => process.stderr.write(`[chaos] ${line}\n`));
  const section = renderChaosSection(report);
  process.stdout.write(`${section}\n`);
  if (out !== undefined) {
    const existing = existsSync(out) ? readFileSync(out, 'utf8') : '# Benchmarks\n';
    writeFileSync(out, spliceSection(existing, RELIABILITY_SECTION, section));
    process.stderr.write(`[chaos] wrote the reliability section of ${out}\n`);
  }
  const t = report.tally;
  const stranded = report.stranded.reduce((a, b) => a + b, 0);
  if (t.lost > 0 || t.falseAckFailed > 0 || t.unsettled > 0 || stranded > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
