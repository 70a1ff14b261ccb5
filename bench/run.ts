/**
 * `npm run bench`: runs every scenario, prints the tables and writes BENCHMARKS.md.
 * Options: `--smoke` (tiny sizes, does not write BENCHMARKS.md unless --out is given),
 * `--only publish,drain,...`, `--out <file>`, `--no-write`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL_CONFIG, SMOKE_CONFIG } from './bench.config.js';
import { runBenchmarks, SCENARIOS } from './bench.runner.js';
import { keptNotes, renderBenchmarksDocument } from './harness/benchmarks.document.js';
import { keptSections } from './harness/kept.sections.js';
import { repoRoot } from './harness/repo-root.js';
import type { SectionId } from './harness/report.types.js';

function parseArgs(argv: string[]): { smoke: boolean; only?: SectionId[]; out?: string } {
  const known = new Set<string>(SCENARIOS.map(([id]) => id));
  let smoke = false;
  let only: SectionId[] | undefined;
  let out: string | undefined = join(repoRoot(), 'BENCHMARKS.md');
  let outGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') smoke = true;
    else if (arg === '--no-write') out = undefined;
    else if (arg === '--out') {
      out = argv[++i];
      outGiven = true;
      if (out === undefined) throw new Error('bench: --out needs a file name');
    } else if (arg === '--only') {
      const list = (argv[++i] ?? '').split(',').filter((s) => s !== '');
      for (const id of list) {
        if (!known.has(id))
          throw new Error(
            `bench: --only: unknown scenario "${id}" (known: ${[...known].join(', ')})`,
          );
      }
      only = list as SectionId[];
    } else {
      throw new Error(
        `bench: unknown argument "${arg}" (use --smoke, --only a,b, --out FILE, --no-write)`,
      );
    }
  }
  // A smoke run's tiny figures must never replace the real BENCHMARKS.md by accident.
  if (smoke && !outGiven) out = undefined;
  return { smoke, only, out };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report = await runBenchmarks(args.smoke ? SMOKE_CONFIG : FULL_CONFIG, { only: args.only });
  const failures = report.failures.map((f) => `${f.section}: ${f.error}`);
  const previous =
    args.out !== undefined && existsSync(args.out) ? readFileSync(args.out, 'utf8') : undefined;
  const document = renderBenchmarksDocument(
    report,
    failures,
    keptNotes(previous),
    keptSections(previous),
  );
  process.stdout.write(`${document}\n`);
  if (args.out !== undefined) {
    writeFileSync(args.out, document);
    process.stderr.write(`[bench] wrote ${args.out}\n`);
  }
  if (failures.length > 0) process.exitCode = 1;
}

/**
 * Ends the process once stdout is flushed. Without it `npm run bench` never returns: the official
 * rocketmq-client-nodejs PushConsumer (section 7) builds its own egg-logger whatever logger it is
 * given (its StandardConsumeService), and that logger's 1 s flush interval is never cleared.
 */
function exitWhenFlushed(): void {
  process.stdout.write('', () => process.exit());
}

main()
  .catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(exitWhenFlushed);
