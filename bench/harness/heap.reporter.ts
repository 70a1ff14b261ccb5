/**
 * Loaded into a server child with `node --import <this file>` (see heapWatchedChild): every
 * BENCH_HEAP_EVERY_MS it writes the child's `process.memoryUsage()` as JSON to BENCH_HEAP_FILE,
 * so the bench can read the V8 heap of another process, whatever build that process runs.
 */
import { writeFileSync } from 'node:fs';

const file = process.env['BENCH_HEAP_FILE'];
const everyMs = Number(process.env['BENCH_HEAP_EVERY_MS'] ?? '250');
if (file !== undefined && file !== '') {
  const write = (): void => {
    try {
      writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
    } catch {
      // The bench may have removed its directory already: nothing to report to.
    }
  };
  write();
  // Unref'd: the reporter never keeps the child alive.
  setInterval(write, everyMs).unref();
}
