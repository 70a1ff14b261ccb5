/**
 * Loaded into a server child with `node --expose-gc --import <this file>` (see memory.watch.ts):
 * every BENCH_HEAP_EVERY_MS it runs a full GC and writes the child's `process.memoryUsage()` as JSON
 * to BENCH_HEAP_FILE, so the bench reads the live heap of another process (garbage not yet
 * collected would hide or fake a trend), whatever build that process runs.
 */
import { writeFileSync } from 'node:fs';

const file = process.env['BENCH_HEAP_FILE'];
const everyMs = Number(process.env['BENCH_HEAP_EVERY_MS'] ?? '2000');
if (file !== undefined && file !== '') {
  const collect = (globalThis as { gc?: () => void }).gc;
  const write = (): void => {
    collect?.();
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
