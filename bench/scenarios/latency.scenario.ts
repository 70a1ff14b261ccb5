/**
 * Scenario 3: latency from publish to handler start. One message at a time is published to a
 * topic whose Nest consumer sits idle in a long poll; the next is sent only after the previous one
 * was acked and a short pause has let the consumer re-enter its poll. Publisher and handler run
 * in this process, so both timestamps come from the same monotonic clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MQClient } from '../../lib/client/index.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import { summarize } from '../harness/percentiles.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { within } from '../harness/timeout.js';
import { startConsumerApp } from './nest-consumer.app.js';

/** Pause after each ack: the consumer's next long poll must be waiting when the next publish lands. */
const IDLE_GAP_MS = 5;
/** Deliveries before the measured ones (JIT warm-up, connections opened). */
const WARMUP_FRACTION = 0.05;
const STEP_TIMEOUT_MS = 30_000;

export async function runLatencyScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const { topic, group } = names('latency');
  const measured = ctx.config.latency.messages;
  const warmup = Math.max(2, Math.round(measured * WARMUP_FRACTION));

  let onStart: ((at: number) => void) | undefined;
  let onAcked: (() => void) | undefined;
  let failure: string | undefined;
  const app = await startConsumerApp({
    endpoint: ctx.emulator.endpoint,
    credentials: ctx.credentials,
    topic,
    group,
    consumer: { waitSeconds: 30 },
    onHandlerStart: () => onStart?.(performance.now()),
    onEvent: (event) => {
      if (event.type === 'message.acked') onAcked?.();
      else if (event.type === 'message.failed' || event.type === 'message.ack-failed') {
        failure ??= event.type;
        onAcked?.();
      }
    },
  });
  const client = new MQClient(ctx.emulator.endpoint, ctx.credentials, { connections: 1 });
  const samples: number[] = [];
  try {
    // The consumer's first poll must be open before the first publish.
    await sleep(200);
    for (let i = 0; i < warmup + measured; i++) {
      const started = new Promise<number>((resolve) => (onStart = resolve));
      const acked = new Promise<void>((resolve) => (onAcked = resolve));
      const t0 = performance.now();
      const published = client.publish(topic, { body: ctx.config.body });
      const handlerAt = await within(
        started,
        STEP_TIMEOUT_MS,
        `latency: message ${i} never reached the handler`,
      );
      await published;
      await within(acked, STEP_TIMEOUT_MS, `latency: message ${i} was never acked`);
      if (failure !== undefined) throw new Error(`bench: latency consumer reported ${failure}`);
      if (i >= warmup) samples.push(handlerAt - t0);
      await sleep(IDLE_GAP_MS);
    }
  } finally {
    await client.close();
    await app.close();
  }
  const s = summarize(samples);
  ctx.log(`latency p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
  const detail = `${s.count} msgs; mean ${s.mean.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
  return {
    rows: [
      {
        id: 'latency.p50',
        section: 'latency',
        label: 'p50 publish → handler start',
        value: s.p50,
        unit: 'ms',
        detail,
      },
      {
        id: 'latency.p99',
        section: 'latency',
        label: 'p99 publish → handler start',
        value: s.p99,
        unit: 'ms',
      },
    ],
    targets: [target('latency p50 publish → handler start', s.p50, 'max', 5, 'ms')],
  };
}
