/**
 * Client microbenchmarks that compare builds (this dist and others, e.g. the commit before a
 * change): each build is warmed up, then all are measured in turns, round by round, so that other
 * work on a shared machine disturbs every build alike; median and best per build are printed.
 */
import { median } from './percentiles.js';

export interface BuildUnderTest {
  /** The dist directory it was loaded from. */
  dir: string;
  client: { close(): Promise<void> };
  /** µs per unit, one per round. */
  costs: number[];
}

export async function measureBuildsInTurns<B extends BuildUnderTest>(
  builds: readonly B[],
  rounds: number,
  warmUp: (build: B) => Promise<unknown>,
  measure: (build: B) => Promise<number>,
  title: string,
): Promise<void> {
  for (const b of builds) await warmUp(b);
  for (let r = 0; r < rounds; r++) {
    for (const b of builds) b.costs.push(await measure(b));
  }
  process.stdout.write(`${title}:\n`);
  for (const b of builds) {
    const name = b === builds[0] ? 'this build' : b.dir;
    process.stdout.write(
      `  ${name.padEnd(30)} median ${median(b.costs).toFixed(2)} µs, best ${Math.min(...b.costs).toFixed(2)} µs\n`,
    );
    await b.client.close();
  }
}

/** Runs a tool's main; a failure is printed with its stack and sets the exit code. */
export function runTool(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
