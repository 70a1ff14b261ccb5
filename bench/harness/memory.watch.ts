/**
 * Memory of a server child over time: RSS from /proc, and the V8 heap written by heap.reporter.ts
 * (started inside the child with `--import`). Samples at a fixed interval; slopes by least squares.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distFile } from './repo-root.js';
import { processRssBytes } from './proc.stats.js';

export interface MemorySample {
  /** ms since the watch started. */
  t: number;
  rss: number;
  heapUsed: number;
}

/**
 * Node flags and environment that make a child report its live heap (after a full GC, every 2 s:
 * a few % of one core) into a file of `dir`.
 */
export function heapReporting(dir: string): { nodeArgs: string[]; env: Record<string, string> } {
  return {
    nodeArgs: [
      '--expose-gc',
      `--import=${pathToFileURL(distFile('bench/harness/heap.reporter.js')).href}`,
    ],
    env: { BENCH_HEAP_FILE: join(dir, 'heap.json'), BENCH_HEAP_EVERY_MS: '2000' },
  };
}

export function heapDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-heap-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export class MemoryWatch {
  readonly samples: MemorySample[] = [];
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;
  peakRss = 0;

  constructor(
    private readonly pid: number,
    private readonly dir: string | undefined,
    everyMs: number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): MemorySample | undefined {
    let rss: number;
    try {
      rss = processRssBytes(this.pid);
    } catch {
      return undefined; // the child is gone
    }
    let heapUsed = Number.NaN;
    if (this.dir !== undefined) {
      try {
        heapUsed = (
          JSON.parse(readFileSync(join(this.dir, 'heap.json'), 'utf8')) as {
            heapUsed: number;
          }
        ).heapUsed;
      } catch {
        // Not written yet, or caught mid-write: this sample has no heap figure.
      }
    }
    this.peakRss = Math.max(this.peakRss, rss);
    const s = { t: performance.now() - this.started, rss, heapUsed };
    this.samples.push(s);
    return s;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Least-squares slope of y over t, in y units per minute, over samples with t >= fromMs. */
export function slopePerMinute(
  samples: readonly MemorySample[],
  pick: (s: MemorySample) => number,
  fromMs: number,
): number {
  const points = samples.filter((s) => s.t >= fromMs && Number.isFinite(pick(s)));
  if (points.length < 2) return Number.NaN;
  const n = points.length;
  const meanT = points.reduce((a, s) => a + s.t, 0) / n;
  const meanY = points.reduce((a, s) => a + pick(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of points) {
    num += (s.t - meanT) * (pick(s) - meanY);
    den += (s.t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}
