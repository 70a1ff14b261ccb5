/**
 * Scenario 5: RocketMQ 5 (gRPC). On one emulator child serving both protocols:
 * - publish throughput of our gRPC transport (what MQProducer calls), the official
 *   rocketmq-client-nodejs Producer, and our HTTP client beside them, interleaved round by round;
 * - a drain through a Nest `@MQConsumer` on gRPC, the official SimpleConsumer README loop, the
 *   official PushConsumer, and the same Nest consumer on HTTP beside them.
 * CPU µs per message of the bench process is the clients' own cost (the emulator's is apart).
 */
import { MQClient } from '../../lib/client/index.js';
import { grpcDriver } from '../../lib/transport/grpc/grpc.driver.js';
import type { MQTransport } from '../../lib/transport/index.js';
import {
  officialPushConsumer,
  officialRmq5Producer,
  officialSimpleConsumeLoop,
  type Rmq5Target,
} from '../clients/official-rocketmq5.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import { measureThroughput, type ThroughputResult } from '../harness/load.runner.js';
import { median } from '../harness/percentiles.js';
import { prefill } from '../harness/prefill.js';
import { CpuMeter } from '../harness/proc.stats.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { startGrpcEmulatorChild } from '../harness/servers.js';
import { within } from '../harness/timeout.js';
import { startConsumerApp } from './nest-consumer.app.js';

type PublisherId = 'grpc' | 'official' | 'http';
const PUBLISHER_LABELS: Record<PublisherId, string> = {
  grpc: "our gRPC transport (MQProducer's)",
  official: 'official rocketmq-client-nodejs Producer',
  http: 'our HTTP MQClient (beside)',
};

interface Publisher {
  publish(): Promise<unknown>;
  close(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 180_000;

export async function runRocketMQ5Scenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  // Long polls no longer than the consumers' wait: the official PushConsumer ignores its own
  // setting and polls as long as the server allows (20 s), and its shutdown waits that poll out.
  const emulator = await startGrpcEmulatorChild([
    '--max-wait-seconds',
    String(ctx.config.rocketmq5.waitSeconds),
  ]);
  ctx.log(`rocketmq5: emulator pid ${emulator.pid}, gRPC ${emulator.grpcEndpoint}`);
  const rmq5: Rmq5Target = {
    endpoint: emulator.grpcEndpoint,
    namespace: '',
    credentials: ctx.credentials,
  };
  try {
    const rows: ResultRow[] = [];
    const targets: TargetCheck[] = [];
    await publishSection(ctx, emulator, rmq5, rows, targets);
    await drainSection(ctx, emulator, rmq5, rows, targets);
    return { rows, targets };
  } finally {
    await emulator.stop();
  }
}

async function openPublishers(
  ctx: BenchContext,
  http: string,
  rmq5: Rmq5Target,
  connections: number,
): Promise<Record<PublisherId, Publisher>> {
  const body = ctx.config.body;
  const transport: MQTransport = await grpcDriver.create({
    endpoint: rmq5.endpoint,
    credentials: rmq5.credentials,
    options: {},
  });
  const grpcTopic = names('rmq5-publish-grpc').topic;
  const officialTopic = names('rmq5-publish-official').topic;
  const httpTopic = names('rmq5-publish-http').topic;
  const producer = await officialRmq5Producer(rmq5, officialTopic);
  const mq = new MQClient(http, ctx.credentials, { connections });
  return {
    grpc: { publish: () => transport.publish(grpcTopic, { body }), close: () => transport.close() },
    official: {
      publish: () => producer.send({ topic: officialTopic, body: Buffer.from(body) }),
      close: () => producer.shutdown(),
    },
    http: { publish: () => mq.publish(httpTopic, { body }), close: () => mq.close() },
  };
}

async function publishSection(
  ctx: BenchContext,
  emulator: Awaited<ReturnType<typeof startGrpcEmulatorChild>>,
  rmq5: Rmq5Target,
  rows: ResultRow[],
  targets: TargetCheck[],
): Promise<void> {
  const p = ctx.config.publish;
  for (const concurrency of p.concurrencies) {
    const publishers = await openPublishers(ctx, emulator.endpoint, rmq5, concurrency);
    const results: Record<PublisherId, ThroughputResult[]> = { grpc: [], official: [], http: [] };
    try {
      const ids = Object.keys(publishers) as PublisherId[];
      for (const id of ids) {
        // One warm-up per client (connections, routes, settings, JIT), not measured.
        await measureThroughput(() => publishers[id].publish(), {
          concurrency,
          warmupMs: 0,
          durationMs: p.initialWarmupMs,
        });
      }
      for (let round = 0; round < p.rounds; round++) {
        for (const id of ids) {
          results[id].push(
            await measureThroughput(() => publishers[id].publish(), {
              concurrency,
              warmupMs: p.warmupMs,
              durationMs: p.durationMs,
              serverPids: [emulator.pid],
            }),
          );
        }
      }
    } finally {
      await Promise.all(Object.values(publishers).map((x) => x.close()));
    }
    const rate = (id: PublisherId) => median(results[id].map((r) => r.opsPerSec));
    const cpuPerMsg = (id: PublisherId) =>
      median(results[id].map((r) => ((r.benchCpuPct / 100) * 1e6) / r.opsPerSec));
    const versus = median(results.grpc.map((r, i) => r.opsPerSec / results.official[i]!.opsPerSec));
    ctx.log(
      `rocketmq5 publish c=${concurrency}: gRPC ${Math.round(rate('grpc'))}, official ${Math.round(rate('official'))}, HTTP ${Math.round(rate('http'))} msg/s`,
    );
    for (const id of Object.keys(results) as PublisherId[]) {
      rows.push({
        id: `rocketmq5.publish.${id}.c${concurrency}`,
        section: 'rocketmq5',
        label: `publish, ${PUBLISHER_LABELS[id]}, c=${concurrency}`,
        value: rate(id),
        unit: 'msg/s',
        detail:
          `${Math.round(cpuPerMsg(id))} µs bench CPU/msg` +
          (id === 'grpc' ? `; ${versus.toFixed(2)}× official` : ''),
        benchCpuPct: median(results[id].map((r) => r.benchCpuPct)),
        serverCpuPct: median(results[id].map((r) => r.serverCpuPct[0] ?? 0)),
      });
    }
    targets.push(
      target(
        `rocketmq5 publish c=${concurrency}: our gRPC transport / official Producer`,
        versus,
        'min',
        1,
      ),
    );
  }
}

interface DrainResult {
  rate: number;
  benchUsPerMsg: number;
  serverUsPerMsg: number;
  benchCpuPct: number;
  serverCpuPct: number;
}

/** Times from the first delivery to `finish()`. */
class DrainTimer {
  private started = 0;
  private meter: CpuMeter | undefined;
  constructor(private readonly serverPid: number) {}
  delivered(): void {
    if (this.started !== 0) return;
    this.started = performance.now();
    this.meter = new CpuMeter([this.serverPid]);
  }
  finish(messages: number): DrainResult {
    if (this.meter === undefined) throw new Error('bench: drain finished without any delivery');
    const seconds = (performance.now() - this.started) / 1000;
    const cpu = this.meter.read();
    const rate = messages / seconds;
    const server = cpu.serverPct[0] ?? 0;
    return {
      rate,
      benchUsPerMsg: ((cpu.benchPct / 100) * 1e6) / rate,
      serverUsPerMsg: ((server / 100) * 1e6) / rate,
      benchCpuPct: cpu.benchPct,
      serverCpuPct: server,
    };
  }
}

async function drainSection(
  ctx: BenchContext,
  emulator: Awaited<ReturnType<typeof startGrpcEmulatorChild>>,
  rmq5: Rmq5Target,
  rows: ResultRow[],
  targets: TargetCheck[],
): Promise<void> {
  const { drainMessages: total, batch, waitSeconds, concurrency } = ctx.config.rocketmq5;
  const fill = (scenario: string) => prefill(ctx, emulator.endpoint, names(scenario).topic, total);

  const nest = async (scenario: string, transport: 'grpc' | 'http'): Promise<DrainResult> => {
    await fill(scenario);
    const { topic, group } = names(scenario);
    const timer = new DrainTimer(emulator.pid);
    let acked = 0;
    let failure: string | undefined;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const app = await startConsumerApp({
      transport,
      endpoint: transport === 'grpc' ? rmq5.endpoint : emulator.endpoint,
      credentials: ctx.credentials,
      topic,
      group,
      consumer: { concurrency, batchSize: batch, waitSeconds },
      onHandlerStart: () => timer.delivered(),
      onEvent: (event) => {
        if (event.type === 'message.acked') {
          if (++acked === total) finish();
        } else if (event.type === 'message.failed' || event.type === 'message.ack-failed') {
          failure ??= event.type;
          finish();
        }
      },
    });
    try {
      await within(done, DRAIN_TIMEOUT_MS, `Nest ${transport} drain stalled`);
      if (failure !== undefined) throw new Error(`bench: Nest ${transport} drain: ${failure}`);
      return timer.finish(total);
    } finally {
      await app.close();
    }
  };

  const simple = async (scenario: string): Promise<DrainResult> => {
    await fill(scenario);
    const { topic, group } = names(scenario);
    const timer = new DrainTimer(emulator.pid);
    await within(
      officialSimpleConsumeLoop(rmq5, topic, group, {
        total,
        batch,
        waitSeconds,
        onMessage: () => timer.delivered(),
      }),
      DRAIN_TIMEOUT_MS,
      'official SimpleConsumer drain stalled',
    );
    return timer.finish(total);
  };

  const push = async (scenario: string): Promise<DrainResult> => {
    await fill(scenario);
    const { topic, group } = names(scenario);
    const timer = new DrainTimer(emulator.pid);
    let seen = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const consumer = await officialPushConsumer(rmq5, topic, group, () => {
      timer.delivered();
      if (++seen === total) finish();
    });
    try {
      await within(done, DRAIN_TIMEOUT_MS, 'official PushConsumer drain stalled');
      // Timed to the last listener call: the PushConsumer acks after it returns (one more RPC).
      return timer.finish(total);
    } finally {
      const closing = performance.now();
      await consumer.close();
      ctx.log(
        `rocketmq5 official PushConsumer shutdown took ${Math.round(performance.now() - closing)} ms`,
      );
    }
  };

  const grpcNest = await nest('rmq5-drain-nest-grpc', 'grpc');
  ctx.log(`rocketmq5 drain Nest gRPC: ${Math.round(grpcNest.rate)} msg/s`);
  const official = await simple('rmq5-drain-official-simple');
  ctx.log(`rocketmq5 drain official SimpleConsumer: ${Math.round(official.rate)} msg/s`);
  const pushed = await push('rmq5-drain-official-push');
  ctx.log(`rocketmq5 drain official PushConsumer: ${Math.round(pushed.rate)} msg/s`);
  const httpNest = await nest('rmq5-drain-nest-http', 'http');
  ctx.log(`rocketmq5 drain Nest HTTP: ${Math.round(httpNest.rate)} msg/s`);

  const n = total.toLocaleString('en-US');
  const tuned = `concurrency ${concurrency}, batch ${batch}`;
  const row = (id: string, label: string, r: DrainResult, extra: string): ResultRow => ({
    id,
    section: 'rocketmq5',
    label,
    value: r.rate,
    unit: 'msg/s',
    detail: `${extra}${extra ? '; ' : ''}${Math.round(r.benchUsPerMsg)} µs bench + ${Math.round(r.serverUsPerMsg)} µs server CPU/msg`,
    benchCpuPct: r.benchCpuPct,
    serverCpuPct: r.serverCpuPct,
  });
  rows.push(
    row(
      'rocketmq5.drain.nest.grpc',
      `drain, Nest @MQConsumer on gRPC (${tuned}), ${n} msgs`,
      grpcNest,
      `${(grpcNest.rate / official.rate).toFixed(2)}× SimpleConsumer, ${(grpcNest.rate / pushed.rate).toFixed(2)}× PushConsumer`,
    ),
    row(
      'rocketmq5.drain.official.simple',
      `drain, official SimpleConsumer README loop (receive ${batch}, ack each), ${n} msgs`,
      official,
      'baseline',
    ),
    row(
      'rocketmq5.drain.official.push',
      `drain, official PushConsumer (listener returns SUCCESS), ${n} msgs`,
      pushed,
      'timed to the last listener call',
    ),
    row(
      'rocketmq5.drain.nest.http',
      `drain, Nest @MQConsumer on HTTP beside (${tuned}), ${n} msgs`,
      httpNest,
      `${(httpNest.rate / grpcNest.rate).toFixed(2)}× Nest on gRPC`,
    ),
  );
  targets.push(
    target(
      'rocketmq5 drain: Nest on gRPC / official SimpleConsumer loop',
      grpcNest.rate / official.rate,
      'min',
      2,
    ),
    target(
      'rocketmq5 drain: Nest on gRPC / official PushConsumer',
      grpcNest.rate / pushed.rate,
      'min',
      1,
    ),
  );
}
