/**
 * Scenario 4a: emulator capacity, in memory and with `--data-dir` (durable log): two fresh
 * children side by side, measured alternately. Publish: the raw pre-signed ceiling at high concurrency, so the load generator costs as
 * little CPU as possible. Consume+ack: several loops of our client (consume 16, ack the batch)
 * draining pre-published messages. "per server core" divides by the emulator's measured CPU, a
 * figure that other tenants of a shared machine disturb less than the raw rate.
 * The same children also serve RocketMQ 5 gRPC (`--grpc-port`): SendMessage at the same
 * concurrency from one lean channel, and ReceiveMessage (16) + one AckMessage per batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MQClient } from '../../lib/client/index.js';
import { RawGrpcClient } from '../clients/raw-grpc.client.js';
import { RawUndiciPublisher } from '../clients/raw-undici.publisher.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import type { RunningChild } from '../harness/child.process.js';
import { measureThroughput } from '../harness/load.runner.js';
import { prefill } from '../harness/prefill.js';
import { CpuMeter } from '../harness/proc.stats.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { resetEmulator, startEmulatorChild } from '../harness/servers.js';
import { median } from '../harness/percentiles.js';
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
  await prefill(ctx, emulator.endpoint, topic, c.consumeMessages, false);
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

async function grpcPublishCapacity(ctx: BenchContext, emulator: RunningChild): Promise<Rate> {
  const c = ctx.config.capacity;
  const { topic } = names('capacity-grpc-publish');
  const client = new RawGrpcClient(grpcEndpointOf(emulator), ctx.credentials);
  const body = Buffer.from(ctx.config.body);
  try {
    // Connects the channel (lazily opened by the first call) before the warm-up window.
    await client.send(topic, body);
    const result = await measureThroughput(() => client.send(topic, body), {
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
    client.close();
  }
}

async function grpcReceiveAckCapacity(ctx: BenchContext, emulator: RunningChild): Promise<Rate> {
  const c = ctx.config.capacity;
  const { topic, group } = names('capacity-grpc-receive');
  await prefill(ctx, emulator.endpoint, topic, c.consumeMessages, false);
  const client = new RawGrpcClient(grpcEndpointOf(emulator), ctx.credentials);
  let acked = 0;
  const meter = new CpuMeter([emulator.pid]);
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: c.consumeLoops }, async () => {
        while (acked < c.consumeMessages) {
          const messages = await client.receive(topic, group, 16);
          if (messages.length === 0) continue;
          await client.ack(topic, group, messages);
          acked += messages.length;
        }
      }),
    );
  } finally {
    client.close();
  }
  const elapsed = performance.now() - started;
  const cpu = meter.read();
  return {
    rate: (c.consumeMessages * 1000) / elapsed,
    benchCpuPct: cpu.benchPct,
    serverCpuPct: cpu.serverPct[0] ?? 0,
  };
}

function grpcEndpointOf(emulator: RunningChild): string {
  const endpoint = emulator.endpoints[1];
  if (endpoint === undefined) throw new Error(`bench: ${emulator.name} runs without --grpc-port`);
  return endpoint;
}

/** Best rate of the rounds, with the CPU of that round. */
function best(rates: readonly Rate[]): Rate {
  return rates.reduce((a, b) => (b.rate > a.rate ? b : a));
}

export async function runCapacityScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  // Both emulators run side by side and are measured alternately, round by round: the durable /
  // memory ratio then compares windows seconds apart, not minutes apart on a machine whose other
  // tenants come and go.
  const dataDir = mkdtempSync(join(tmpdir(), 'mq-bench-data-'));
  const memoryChild = await startEmulatorChild({ grpc: true });
  let durableChild: RunningChild | undefined;
  const runs = {
    memory: {
      publish: [] as Rate[],
      consume: [] as Rate[],
      grpcPublish: [] as Rate[],
      grpcConsume: [] as Rate[],
    },
    durable: {
      publish: [] as Rate[],
      consume: [] as Rate[],
      grpcPublish: [] as Rate[],
      grpcConsume: [] as Rate[],
    },
  };
  try {
    durableChild = await startEmulatorChild({ dataDir, grpc: true });
    const modes = [
      ['memory', memoryChild],
      ['durable', durableChild],
    ] as const;
    for (let round = 0; round < ctx.config.capacity.rounds; round++) {
      for (const [mode, child] of modes) {
        await resetEmulator(child.endpoint);
        const publish = await publishCapacity(ctx, child);
        ctx.log(`capacity ${mode} publish round ${round + 1}: ${Math.round(publish.rate)} msg/s`);
        runs[mode].publish.push(publish);
      }
      for (const [mode, child] of modes) {
        await resetEmulator(child.endpoint);
        const consume = await consumeAckCapacity(ctx, child);
        ctx.log(
          `capacity ${mode} consume+ack round ${round + 1}: ${Math.round(consume.rate)} msg/s`,
        );
        runs[mode].consume.push(consume);
      }
      for (const [mode, child] of modes) {
        await resetEmulator(child.endpoint);
        const publish = await grpcPublishCapacity(ctx, child);
        ctx.log(`capacity ${mode} gRPC send round ${round + 1}: ${Math.round(publish.rate)} msg/s`);
        runs[mode].grpcPublish.push(publish);
      }
      for (const [mode, child] of modes) {
        await resetEmulator(child.endpoint);
        const consume = await grpcReceiveAckCapacity(ctx, child);
        ctx.log(
          `capacity ${mode} gRPC receive+ack round ${round + 1}: ${Math.round(consume.rate)} msg/s`,
        );
        runs[mode].grpcConsume.push(consume);
      }
    }
  } finally {
    await memoryChild.stop();
    await durableChild?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  type Kind = keyof typeof runs.memory;
  const roundRatio = (kind: Kind): number =>
    median(runs.durable[kind].map((r, i) => r.rate / (runs.memory[kind][i] as Rate).rate));
  const bestOf = (mode: 'memory' | 'durable') => ({
    publish: best(runs[mode].publish),
    consume: best(runs[mode].consume),
    grpcPublish: best(runs[mode].grpcPublish),
    grpcConsume: best(runs[mode].grpcConsume),
  });
  const memory = bestOf('memory');
  const durable = bestOf('durable');
  const vsHttp = (grpc: Rate, http: Rate): string => `${(grpc.rate / http.rate).toFixed(2)}× HTTP`;
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
  const publishRatio = roundRatio('publish');
  const consumeRatio = roundRatio('consume');
  const grpcPublishRatio = roundRatio('grpcPublish');
  const grpcConsumeRatio = roundRatio('grpcConsume');
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
      row(
        'capacity.memory.grpc-send',
        `gRPC SendMessage, memory (one channel, c=${c.publishConcurrency})`,
        memory.grpcPublish,
        vsHttp(memory.grpcPublish, memory.publish),
      ),
      row(
        'capacity.memory.grpc-receive-ack',
        `gRPC ReceiveMessage+AckMessage, memory (${c.consumeLoops} loops, batch 16)`,
        memory.grpcConsume,
        vsHttp(memory.grpcConsume, memory.consume),
      ),
      row(
        'capacity.durable.grpc-send',
        `gRPC SendMessage, --data-dir (one channel, c=${c.publishConcurrency})`,
        durable.grpcPublish,
        `${grpcPublishRatio.toFixed(2)}× memory; ${vsHttp(durable.grpcPublish, durable.publish)}`,
      ),
      row(
        'capacity.durable.grpc-receive-ack',
        `gRPC ReceiveMessage+AckMessage, --data-dir (${c.consumeLoops} loops, batch 16)`,
        durable.grpcConsume,
        `${grpcConsumeRatio.toFixed(2)}× memory; ${vsHttp(durable.grpcConsume, durable.consume)}`,
      ),
    ],
    targets: [
      target(
        'emulator publish, memory: msg/s per server core',
        median(runs.memory.publish.map((r) => r.rate / (r.serverCpuPct / 100))),
        'min',
        30_000,
        'msg/s',
      ),
      target('emulator publish: durable / memory', publishRatio, 'min', 0.85),
      target('emulator consume+ack: durable / memory', consumeRatio, 'min', 0.5),
    ],
  };
}
