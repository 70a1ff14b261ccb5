/**
 * Where a poll cycle's time goes in the tuned Nest drain through the latency proxy (scenario 2's
 * 2 ms each way): every request's send and completion, from undici's diagnostics channels.
 *   node dist/bench/tools/drain-rtt.trace.js [rounds=3] [messages=4000] [concurrency=<tuned>]
 * Per round: the drain rate, the consumes' round trip (request written → answer read) and the gap
 * between an answer and the next consume written (the handlers of the batch and the client's own
 * turn before a reused socket). With two polls in flight (concurrency 32, batch 16) the rate is
 * 32 messages per (round trip + gap), against the SDK loop's 16 per two round trips: the ratio's
 * ceiling is 4 × (round trip) / (round trip + gap), below 4 whatever the gap.
 */
import diagnostics from 'node:diagnostics_channel';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { percentile } from '../harness/percentiles.js';
import { startEmulatorChild, startLatencyProxy } from '../harness/servers.js';
import { drainWithNest, prefillDrain } from '../scenarios/drain.runs.js';

interface Traced {
  method: string;
  sent: number;
  done: number;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const messages = Number(process.argv[3] ?? 4_000);
  const tuned = FULL_CONFIG.drain.tuned;
  const consumer = { ...tuned, concurrency: Number(process.argv[4] ?? tuned.concurrency) };
  const sentAt = new WeakMap<object, number>();
  const traced: Traced[] = [];
  diagnostics.channel('undici:client:sendHeaders').subscribe((message) => {
    sentAt.set((message as { request: object }).request, performance.now());
  });
  diagnostics.channel('undici:request:trailers').subscribe((message) => {
    const request = (message as { request: { method: string } }).request;
    const sent = sentAt.get(request);
    if (sent !== undefined) traced.push({ method: request.method, sent, done: performance.now() });
  });
  const emulator = await startEmulatorChild();
  const proxy = await startLatencyProxy(emulator.endpoint, FULL_CONFIG.drain.rtt.oneWayDelayMs);
  const log = (line: string): void => void process.stderr.write(`[drain-rtt] ${line}\n`);
  const ctx = { config: FULL_CONFIG, credentials: EMULATOR_CREDENTIALS, emulator, log };
  try {
    for (let round = 1; round <= rounds; round++) {
      const spec = {
        scenario: `drain-rtt-${process.pid}-r${round}`,
        messages,
        endpoint: proxy.endpoint,
      };
      await prefillDrain(ctx, spec);
      traced.length = 0;
      const result = await drainWithNest(ctx, spec, consumer);
      const polls = traced.filter((t) => t.method === 'GET').sort((a, b) => a.sent - b.sent);
      const answered = polls.map((t) => t.done).sort((a, b) => a - b);
      const trips = polls.map((t) => t.done - t.sent).sort((a, b) => a - b);
      // Each poll after the first: time since the latest answer before it was written.
      const gaps: number[] = [];
      let last = 0;
      for (const poll of polls) {
        while (last + 1 < answered.length && (answered[last + 1] as number) <= poll.sent) last++;
        const before = answered[last] as number;
        if (before <= poll.sent) gaps.push(poll.sent - before);
      }
      gaps.sort((a, b) => a - b);
      const ms = (v: number): string => v.toFixed(2);
      console.log(
        `round ${round}: ${Math.round(result.rate)} msg/s, concurrency ${consumer.concurrency}; ` +
          `${polls.length} consumes, round trip median ${ms(percentile(trips, 50))} ms ` +
          `(p10 ${ms(percentile(trips, 10))}, p90 ${ms(percentile(trips, 90))}); ` +
          `answer → next consume median ${ms(percentile(gaps, 50))} ms (p90 ${ms(percentile(gaps, 90))})`,
      );
    }
  } finally {
    await proxy.stop();
    await emulator.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
