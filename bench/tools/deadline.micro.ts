/**
 * Cost of a whole-call deadline per request, without any I/O: the client's shared DeadlineWatch
 * (link into a list, unlink when the call settles; one timer for all) against a timer per request
 * (setTimeout + clearTimeout), with `inFlight` calls outstanding as under load. Usage:
 *   node dist/bench/tools/deadline.micro.js [operations=2000000] [inFlight=64]
 */
import { DeadlineEntry, DeadlineWatch } from '../../lib/client/deadline.watch.js';

class Call extends DeadlineEntry {
  expire(): void {
    throw new Error('no deadline should pass in this benchmark');
  }
}

function viaWatch(operations: number, inFlight: number): number {
  const watch = new DeadlineWatch();
  const ring: Call[] = [];
  for (let i = 0; i < inFlight; i++) {
    const call = new Call();
    watch.watch(call, 10_000);
    ring.push(call);
  }
  const start = process.hrtime.bigint();
  for (let i = 0; i < operations; i++) {
    const slot = i % inFlight;
    watch.unwatch(ring[slot]!);
    const call = new Call();
    watch.watch(call, 10_000);
    ring[slot] = call;
  }
  const ns = Number(process.hrtime.bigint() - start) / operations;
  for (const call of ring) watch.unwatch(call);
  watch.stop();
  return ns;
}

function viaTimers(operations: number, inFlight: number): number {
  const noop = (): void => undefined;
  const ring: ReturnType<typeof setTimeout>[] = [];
  for (let i = 0; i < inFlight; i++) ring.push(setTimeout(noop, 10_000));
  const start = process.hrtime.bigint();
  for (let i = 0; i < operations; i++) {
    const slot = i % inFlight;
    clearTimeout(ring[slot]);
    ring[slot] = setTimeout(noop, 10_000);
  }
  const ns = Number(process.hrtime.bigint() - start) / operations;
  for (const timer of ring) clearTimeout(timer);
  return ns;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

const operations = Number(process.argv[2] ?? 2_000_000);
const inFlight = Number(process.argv[3] ?? 64);
viaWatch(200_000, inFlight);
viaTimers(200_000, inFlight);
const watchNs: number[] = [];
const timerNs: number[] = [];
for (let round = 0; round < 7; round++) {
  watchNs.push(viaWatch(operations, inFlight));
  timerNs.push(viaTimers(operations, inFlight));
}
process.stdout.write(
  `per request (watch + settle), ${inFlight} in flight, median of 7 × ${operations}:\n` +
    `  DeadlineWatch (one timer for all)  ${median(watchNs).toFixed(0)} ns\n` +
    `  setTimeout + clearTimeout           ${median(timerNs).toFixed(0)} ns\n`,
);
