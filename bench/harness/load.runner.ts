/**
 * Closed-loop load: N workers each await one operation after another. Operations completing
 * during the warm-up are not counted; the window then runs for a fixed duration and counts the
 * completions inside it. Any failed operation fails the whole measurement: a benchmark that
 * silently counts errors as throughput is worse than none.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CpuMeter } from './proc.stats.js';

export interface ThroughputOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Server processes whose CPU is measured over the window. */
  serverPids?: readonly number[];
}

export interface ThroughputResult {
  /** Operations completed inside the window. */
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  /** CPU of this (load-generating) process, % of one core. */
  benchCpuPct: number;
  /** CPU of each server process, % of one core. */
  serverCpuPct: number[];
}

export async function measureThroughput(
  operation: (worker: number) => Promise<unknown>,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  let measuring = false;
  let stopped = false;
  let count = 0;
  let failure: { error: unknown } | undefined;

  const worker = async (index: number): Promise<void> => {
    while (!stopped) {
      try {
        await operation(index);
      } catch (error) {
        failure ??= { error };
        stopped = true;
        return;
      }
      if (measuring) count++;
    }
  };
  const workers = Array.from({ length: options.concurrency }, (_, i) => worker(i));

  await sleep(options.warmupMs);
  const meter = new CpuMeter(options.serverPids ?? []);
  count = 0;
  measuring = true;
  await sleep(options.durationMs);
  const ops = count;
  const cpu = meter.read();
  measuring = false;
  stopped = true;
  await Promise.all(workers);
  if (failure !== undefined) {
    throw new Error(
      `bench: an operation failed during the measurement: ${describe(failure.error)}`,
    );
  }
  return {
    ops,
    elapsedMs: cpu.wallMs,
    opsPerSec: (ops * 1000) / cpu.wallMs,
    benchCpuPct: cpu.benchPct,
    serverCpuPct: cpu.serverPct,
  };
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error as { Code?: unknown }).Code;
    return `${error.name}${code === undefined ? '' : ` (${String(code)})`}: ${error.message}`;
  }
  return String(error);
}
