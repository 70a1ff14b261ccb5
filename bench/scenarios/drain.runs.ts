/**
 * One timed drain: a Nest app with `@MQConsumer`, or the official SDK's README loop, consuming and
 * acking every message of a pre-filled topic. Timed from the first delivery to the last ack, so
 * the start-up of either side is not counted against it.
 */
import { officialClient, officialConsumeLoop } from '../clients/official-sdk.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import { describe } from '../harness/load.runner.js';
import { prefill } from '../harness/prefill.js';
import { CpuMeter } from '../harness/proc.stats.js';
import { within } from '../harness/timeout.js';
import { startConsumerApp } from './nest-consumer.app.js';

/** A drain that stalls this long is a bug, not a slow result. */
const DRAIN_TIMEOUT_MS = 180_000;

export interface DrainSpec {
  /** Names the topic and group. */
  scenario: string;
  messages: number;
  /** Where the consumer connects (the emulator, or a latency proxy in front of it). */
  endpoint: string;
}

export interface DrainResult {
  rate: number;
  /** CPU over the drain, % of one core: this process, and the emulator child. */
  benchCpuPct: number;
  serverCpuPct: number;
}

/** Fills the spec's topic directly on the emulator (not timed); call before the drain. */
export async function prefillDrain(ctx: BenchContext, spec: DrainSpec): Promise<void> {
  await prefill(ctx, ctx.emulator.endpoint, names(spec.scenario).topic, spec.messages);
}

/** Starts timing at the first delivery and reads the rate and CPU at the last ack. */
class DrainClock {
  private first = 0;
  private meter: CpuMeter | undefined;

  constructor(private readonly serverPid: number) {}

  delivered(): void {
    if (this.first !== 0) return;
    this.first = performance.now();
    this.meter = new CpuMeter([this.serverPid]);
  }

  finish(messages: number): DrainResult {
    const end = performance.now();
    if (this.meter === undefined) throw new Error('bench: drain finished without any delivery');
    const cpu = this.meter.read();
    return {
      rate: (messages * 1000) / (end - this.first),
      benchCpuPct: cpu.benchPct,
      serverCpuPct: cpu.serverPct[0] ?? 0,
    };
  }
}

export async function drainWithNest(
  ctx: BenchContext,
  spec: DrainSpec,
  consumer: { concurrency: number; batchSize: number; batch?: boolean } | undefined,
): Promise<DrainResult> {
  const { topic, group } = names(spec.scenario);
  const clock = new DrainClock(ctx.emulator.pid);
  let acked = 0;
  let failure: string | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const app = await startConsumerApp({
    endpoint: spec.endpoint,
    credentials: ctx.credentials,
    topic,
    group,
    consumer,
    onHandlerStart: () => clock.delivered(),
    onEvent: (event) => {
      if (event.type === 'message.acked') {
        if (++acked === spec.messages) finish();
      } else if (event.type === 'message.failed' || event.type === 'message.ack-failed') {
        failure ??= `${event.type}: ${'error' in event ? describe(event.error) : ''}`;
        finish();
      }
    },
  });
  try {
    await within(done, DRAIN_TIMEOUT_MS, `Nest drain (${spec.scenario}) stalled`);
    const result = clock.finish(spec.messages);
    if (failure !== undefined) {
      throw new Error(`bench: Nest drain (${spec.scenario}) failed: ${failure}`);
    }
    return result;
  } finally {
    await app.close();
  }
}

export async function drainWithOfficialSdk(
  ctx: BenchContext,
  spec: DrainSpec,
): Promise<DrainResult> {
  const { topic, group } = names(spec.scenario);
  const clock = new DrainClock(ctx.emulator.pid);
  await within(
    officialConsumeLoop(officialClient(spec.endpoint, ctx.credentials), topic, group, {
      total: spec.messages,
      batch: ctx.config.drain.officialBatch,
      waitSeconds: ctx.config.drain.officialWaitSeconds,
      onMessage: () => clock.delivered(),
    }),
    DRAIN_TIMEOUT_MS,
    `official SDK drain (${spec.scenario}) stalled`,
  );
  return clock.finish(spec.messages);
}
