/**
 * Scenario 5a: a soak. A fresh emulator child (memory mode, default options) takes a steady publish
 * rate while two consumer groups consume and ack everything, for several minutes. Its RSS and V8
 * heap are sampled all along; the slopes after the warm-up say whether memory stays bounded (a
 * flat line) or grows with the traffic (the retained bodies, finished long polls...).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MQClient } from '../../lib/client/index.js';
import { RawUndiciPublisher } from '../clients/raw-undici.publisher.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import { heapDir, heapReporting, MemoryWatch, slopePerMinute } from '../harness/memory.watch.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { startEmulatorChild } from '../harness/servers.js';

const MIB = 2 ** 20;

export async function runSoakScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const { rate, durationMs, warmupMs, sampleMs, consumersPerGroup, emulatorArgs } = ctx.config.soak;
  const { topic, group } = names('soak');
  const groups = [`${group}_a`, `${group}_b`];
  const heap = heapDir();
  const emulator = await startEmulatorChild({ ...heapReporting(heap.dir), args: emulatorArgs });
  const publisher = new RawUndiciPublisher(
    emulator.endpoint,
    topic,
    ctx.config.body,
    ctx.credentials,
    8,
  );
  const client = new MQClient(emulator.endpoint, ctx.credentials, {
    pollConnections: groups.length * consumersPerGroup + 2,
  });
  const watch = new MemoryWatch(emulator.pid, heap.dir, sampleMs);
  let stopped = false;
  let published = 0;
  const consumed = new Map(groups.map((g) => [g, 0]));
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
    stopped = true;
  };

  // Every consumer group starts before the first publish, so each sees every message.
  for (const g of groups) await client.consume(topic, g);
  const consumers = groups.flatMap((g) =>
    Array.from({ length: consumersPerGroup }, async () => {
      while (!stopped) {
        const batch = await client.consume(topic, g, { numOfMessages: 16, waitSeconds: 1 });
        if (batch.length === 0) continue;
        const result = await client.ack(
          topic,
          g,
          batch.map((m) => m.receiptHandle),
        );
        if (result.failed.length > 0)
          throw new Error(`bench: soak ack failed ${result.failed[0]!.code}`);
        consumed.set(g, consumed.get(g)! + batch.length);
      }
    }).map((p) => p.catch(fail)),
  );

  // Paced publishing: every tick, as many publishes as the rate asks for since the start.
  const started = performance.now();
  const publishing = (async () => {
    const inFlight = new Set<Promise<void>>();
    while (!stopped && performance.now() - started < durationMs) {
      const due = Math.floor(((performance.now() - started) * rate) / 1000);
      while (published < due && inFlight.size < 64) {
        published++;
        const p = publisher
          .publish()
          .catch(fail)
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
  })();

  let rows: ResultRow[];
  try {
    await publishing;
    // Let the consumers catch up, then stop them.
    const drainUntil = performance.now() + 10_000;
    while (
      failure === undefined &&
      performance.now() < drainUntil &&
      [...consumed.values()].some((n) => n < published)
    ) {
      await sleep(100);
    }
    stopped = true;
    watch.stop();
    await Promise.all(consumers);
    if (failure !== undefined) throw failure;
    if (process.env['BENCH_SOAK_TRACE'] === '1') {
      for (const x of watch.samples) {
        ctx.log(
          `t=${(x.t / 1000).toFixed(0)}s heap=${(x.heapUsed / MIB).toFixed(1)} rss=${(x.rss / MIB).toFixed(1)}`,
        );
      }
    }
    const elapsedMin = durationMs / 60_000;
    const heapSlope = slopePerMinute(watch.samples, (s) => s.heapUsed / MIB, warmupMs);
    const rssSlope = slopePerMinute(watch.samples, (s) => s.rss / MIB, warmupMs);
    const last = watch.samples.at(-1)!;
    const lost = Math.max(...groups.map((g) => published - consumed.get(g)!));
    const flags = emulatorArgs.length > 0 ? ` (emulator ${emulatorArgs.join(' ')})` : '';
    const detail = `${published} messages in ${(durationMs / 1000).toFixed(0)} s (${Math.round(published / (durationMs / 1000))}/s)${flags}, ${groups.length} groups, slope after ${Math.round(warmupMs / 1000)} s warm-up`;
    rows = [
      {
        id: 'soak.heap-slope',
        section: 'soak',
        label: 'Emulator live heap growth (steady publish + consume)',
        value: heapSlope,
        unit: 'MiB/min',
        detail: `${detail}; heap at end ${(last.heapUsed / MIB).toFixed(0)} MiB`,
      },
      {
        id: 'soak.rss-slope',
        section: 'soak',
        label: 'Emulator RSS growth (steady publish + consume)',
        value: rssSlope,
        unit: 'MiB/min',
        detail: `RSS at end ${(last.rss / MIB).toFixed(0)} MiB, peak ${(watch.peakRss / MIB).toFixed(0)} MiB over ${elapsedMin.toFixed(1)} min`,
      },
      {
        id: 'soak.not-consumed',
        section: 'soak',
        label: 'Published but not consumed by a group at the end',
        value: lost,
        unit: 'messages',
        detail: groups.map((g) => `${g}: ${consumed.get(g)}`).join(', '),
      },
    ];
  } finally {
    stopped = true;
    watch.stop();
    await Promise.allSettled(consumers);
    await client.close();
    await publisher.close();
    await emulator.stop();
    heap.remove();
  }
  ctx.log(
    `soak: heap ${rows[0]!.value.toFixed(2)} MiB/min, RSS ${rows[1]!.value.toFixed(2)} MiB/min, ${rows[2]!.value} not consumed`,
  );
  return { rows, targets: [] };
}
