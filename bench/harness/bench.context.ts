/** What every scenario gets: settings, credentials, the shared emulator, and a progress log. */
import type { BenchConfig } from '../bench.config.js';
import type { BenchCredentials } from '../clients/presigned.request.js';
import type { RunningChild } from './child.process.js';

export interface BenchContext {
  config: BenchConfig;
  credentials: BenchCredentials;
  /** In-memory emulator child shared by scenarios 1-3 (each uses its own topics and groups). */
  emulator: RunningChild;
  /** Progress lines (stderr), so the table on stdout stays clean. */
  log(line: string): void;
}

/** Topic and group names of one scenario; separate names keep scenarios from seeing each other's messages. */
export function names(scenario: string): { topic: string; group: string } {
  return { topic: `bench-${scenario}`, group: `GID_bench_${scenario.replaceAll('-', '_')}` };
}
