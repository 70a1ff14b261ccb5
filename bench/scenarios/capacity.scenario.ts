/**
 * Scenario 4a: emulator capacity, in memory and with `--data-dir` (durable log), each in a fresh
 * child. Publish: the raw pre-signed ceiling at high concurrency, so the load generator costs as
 * little CPU as possible. Consume+ack: several loops of our client (consume 16, ack the batch)
 * draining pre-published messages. "per server core" divides by the emulator's measured CPU, a
 * figure that other tenants of a shared machine disturb less than the raw rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MQClient } from '../../lib/client/index.js';
import { RawUndiciPublisher } from '../clients/raw-undici.publisher.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import type { RunningChild } from '../harness/child.process.js';
import { measureThroughput } from '../harness/load.runner.js';
import { prefill } from '../harness/prefill.js';
import { CpuMeter } from '../harness/proc.stats.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { startEmulatorChild } from '../harness/servers.js';
import { formatNumber } from '../harness/markdown.table.js';

interface Rate {
  rate: number;
  benchCpuPct: number;
  serverCpuPct: number;
}

async function publishCapacity(ctx: BenchContext, emulator: RunningChild): Promise<Rate> {
  const c = ctx.config.capacity;
  const { topic } = names('capacity-publish');
  const publisher = new RawUndiciPublisher(
    emulator.endpoint,
    topic,
    ctx.config.body,
    ctx.credentials,
    c.publishConcurrency,
  );
  try {
    const result = await measureThroughput(() => publisher.publish(), {
      concurrency: c.publishConcurrency,
      warmupMs: c.warmupMs,
      durationMs: c.publishMs,
      serverPids: [emulator.pid],
    });
    return {
      rate: result.opsPerSec,
      benchCpuPct: result.benchCpuPct,
      serverCpuPct: result.serverCpuPct[0] ?? 0,
    };
  } finally {
    await publisher.close();
  }
}

async function consumeAckCapacity(ctx: BenchContext, emulator: RunningChild): Promise<Rate> {
  const c = ctx.config.capacity;
  const { topic, group } = names('capacity-consume');
  await prefill(ctx, emulator.endpoint, topic, c.consumeMessages);
  const client = new MQClient(emulator.endpoint, ctx.credentials, {
    connections: c.consumeLoops,
    pollConnections: c.consumeLoops,
  });
  let acked = 0;
  const meter = new CpuMeter([emulator.pid]);
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: c.consumeLoops }, async () => {
        while (acked < c.consumeMessages) {
          const messages = await client.consume(topic, group, {
            numOfMessages: 16,
            waitSeconds: 0,
          });
          if (messages.length === 0) continue;
          const result = await client.ack(
            topic,
            group,
            messages.map((m) => m.receiptHandle),
          );
          if (result.failed.length > 0) {
            throw new Error(`bench: capacity ack failed: ${result.failed[0]?.code ?? ''}`);
          }
          acked += result.acked.length;
        }
      }),
    );
  } finally {
    await client.close();
  }
  const elapsed = performance.now() - started;
  const cpu = meter.read();
  return {
    rate: (c.consumeMessages * 1000) / elapsed,
    benchCpuPct: cpu.benchPct,
    serverCpuPct: cpu.serverPct[0] ?? 0,
  };
}

async function measureMode(
  ctx: BenchContext,
  dataDir: string | undefined,
): Promise<{ publish: Rate; consume: Rate }> {
  const emulator = await startEmulatorChild({ dataDir });
  try {
    const publish = await publishCapacity(ctx, emulator);
    ctx.log(`capacity ${emulator.name} publish: ${Math.round(publish.rate)} msg/s`);
    const consume = await consumeAckCapacity(ctx, emulator);
    ctx.log(`capacity ${emulator.name} consume+ack: ${Math.round(consume.rate)} msg/s`);
    return { publish, consume };
  } finally {
    await emulator.stop();
  }
}

export async function runCapacityScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const memory = await measureMode(ctx, undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'mq-bench-data-'));
  let durable: { publish: Rate; consume: Rate };
  try {
    durable = await measureMode(ctx, dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const perCore = (r: Rate): string =>
    r.serverCpuPct > 0
      ? `${formatNumber(r.rate / (r.serverCpuPct / 100), 'msg/s')} msg/s per server core`
      : '';
  const row = (id: string, label: string, r: Rate, extra?: string): ResultRow => ({
    id,
    section: 'capacity',
    label,
    value: r.rate,
    unit: 'msg/s',
    detail: [extra, perCore(r)].filter((s) => s !== undefined && s !== '').join('; '),
    benchCpuPct: r.benchCpuPct,
    serverCpuPct: r.serverCpuPct,
  });
  const c = ctx.config.capacity;
  const publishRatio = durable.publish.rate / memory.publish.rate;
  const consumeRatio = durable.consume.rate / memory.consume.rate;
  return {
    rows: [
      row(
        'capacity.memory.publish',
        `publish, memory (raw pre-signed, c=${c.publishConcurrency})`,
        memory.publish,
      ),
      row(
        'capacity.memory.consume-ack',
        `consume+ack, memory (${c.consumeLoops} loops of our client, batch 16)`,
        memory.consume,
      ),
      row(
        'capacity.durable.publish',
        `publish, --data-dir (raw pre-signed, c=${c.publishConcurrency})`,
        durable.publish,
        `${publishRatio.toFixed(2)}× memory`,
      ),
      row(
        'capacity.durable.consume-ack',
        `consume+ack, --data-dir (${c.consumeLoops} loops of our client, batch 16)`,
        durable.consume,
        `${consumeRatio.toFixed(2)}× memory`,
      ),
    ],
    targets: [
      target('emulator publish: durable / memory', publishRatio, 'min', 0.5),
      target('emulator consume+ack: durable / memory', consumeRatio, 'min', 0.5),
    ],
  };
}
