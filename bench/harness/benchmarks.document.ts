/** The whole BENCHMARKS.md: method, machine, targets and every table of one run. */
import type { BenchReport } from './report.types.js';
import { renderMachine, renderResults, renderTargets } from './markdown.table.js';

const METHOD = `## Method

- Everything below comes from one run of \`npm run bench\`, so the ratios compare figures measured
  under the same conditions. The machine is shared and small (2 cores): absolute figures move from
  run to run by ±20 % or more, the ratios much less. Read the ratios.
- Servers run as separate child processes: the emulator (\`dist/lib/emulator/cli/main.js --port 0\`,
  strict signature checking, in memory unless \`--data-dir\`) and a canned-201 server (a bare
  \`node:http\` server answering every request with one fixed publish response). Clients, the Nest
  app and the load generator run in the bench process. "Bench CPU" and "Server CPU" are the CPU
  time of each process over the measured window, in % of one core (200 % = both cores).
- Publish: closed loop, N workers each awaiting one publish after another, one socket per worker for
  every client. The three clients stay connected for the whole comparison: after one warm-up each,
  they take turns in short windows (round 1: raw, ours, official; round 2: …), so a disturbance
  from other tenants touches all three alike. Rates and CPU are medians over the rounds; a ratio is
  the median of the per-round ratios. The raw ceiling is an undici Pool re-sending one pre-built,
  pre-signed request (no XML, no signing per request). "µs bench CPU/msg" is the client's own cost.
- Drain: every drain starts on an emptied emulator (admin reset), its messages pre-published (not
  timed); the drain is timed from the first delivery to the last ack. Each client first drains a
  few thousand messages untimed (warm-up, as for publish). The official SDK runs its README loop: \`consumeMessage(16, 3)\`, then \`ackMessage\` of
  the batch's handles, \`MessageNotExist\` meaning "nothing yet". The SDK loop and the tuned Nest app
  alternate over several rounds (fastest run reported, ratio = median of per-round ratios); the
  Nest app with module defaults runs once, next to the first round. The tuned app as a batch
  handler (\`batch: true\`, same concurrency and batch size: its handler runs once per poll) runs
  right after the tuned one in every round, compared with the official loop and with the
  per-message handler of the same round (rate, and bench CPU per message). The same consumer
  with four batches of slots (concurrency 4 × batch: four polls in flight instead of two) runs in
  every round too; it is no target's consumer (the targets keep the tuned setting they were set
  for) and shows what tuning the concurrency buys, locally and through the proxy.
- Latency: one message at a time to a Nest consumer idle in a 30 s long poll; the next message
  goes out after the previous one was acked plus 5 ms. Both timestamps use the bench process's
  monotonic clock.
- The drain is repeated through a TCP proxy child that delays every chunk by 2 ms in each direction:
  a cloud endpoint is milliseconds away, the local emulator microseconds, and a one-request-at-a-time
  loop behaves very differently in the two regimes.
- Emulator capacity: two fresh emulator children, in memory and with \`--data-dir\`, measured
  alternately (best round reported, ratio = median of per-round ratios). Publish with the raw
  pre-signed client (c=32); consume+ack by several loops of our client over pre-published messages.
  The same children serve RocketMQ 5 gRPC (\`--grpc-port\`): SendMessage from one lean @grpc/grpc-js
  channel at the same concurrency (metadata signed once, a new message id per send), and
  ReceiveMessage (16) + one AckMessage per batch by the same number of loops.
  "per server core" divides the rate by the emulator's measured CPU.
- RocketMQ 5 (gRPC): one emulator child serving both protocols (\`--grpc-port 0\`, long polls at
  most the consumers' wait). Publish: our gRPC transport (what \`MQProducer\` calls), the official
  \`rocketmq-client-nodejs\` 1.0.8 Producer and our HTTP client beside them, interleaved as in
  section 1. Drain: a Nest \`@MQConsumer\` on gRPC, the official SimpleConsumer README loop
  (receive a batch, ack each message: its only ack), the official PushConsumer (listener returns
  SUCCESS; timed to the last listener call, its acks follow), and the same Nest consumer on HTTP.
  Failure modes, timers and shutdown of both RocketMQ 5 clients:
  \`node dist/bench/tools/rocketmq5-compare.js\`.
- Idle long polls: a fresh emulator; RSS and CPU at rest, then with N identical pre-signed long
  polls (\`waitseconds=30\`) held open on an empty queue; the emulator's open descriptors prove
  that every poll's socket arrived.
- OpenTelemetry cost: the tuned Nest drain with no SDK registered (\`@opentelemetry/api\` installed,
  telemetry inactive), with only the AsyncLocalStorage context manager (its promise hooks tax every
  promise of the process), with a meter provider, and with traces and metrics (BatchSpanProcessor
  to an exporter that drops spans, AsyncLocalStorage context manager, W3C propagator); every message
  carries a producer's \`traceparent\`. The variants take turns round by round; "µs CPU/msg" is the
  bench process's CPU per message, the added cost the median of the per-round differences.
- Soak (reliability): a fresh emulator child with a steady paced publish (pre-signed raw client) and
  two consumer groups consuming and acking everything (our client), for several minutes. The child
  runs a reporter (\`--expose-gc --import bench/harness/heap.reporter.js\`) that writes its live heap
  after a full GC every 2 s; RSS comes from /proc. Slopes are least-squares fits over the samples
  after the warm-up, in MiB per minute: flat means bounded. The retention budget is lowered by a flag
  so that its plateau comes early in a short run.
- Hostile input (reliability): a fresh emulator child; first slow connections that never complete a
  request (slowloris, a bare \`GET /\`, garbage), counted when the server closes them; then several
  rounds of documents built to cost memory or time (a 4.8 MiB publish of 1.25 M empty elements, a
  400 k repeated leaves, 1.2 M nested elements, 480 k roots, an ack of 150 000 handles, an 8 MiB
  body), sent with some concurrency while the child's RSS is sampled every 20 ms.`;

/** Everything after this line in BENCHMARKS.md is written by hand and kept by every run. */
export const NOTES_MARKER =
  '<!-- Hand-written notes below this line are kept by `npm run bench`. -->';

/** The hand-written tail of an existing BENCHMARKS.md (marker included), or a fresh one. */
export function keptNotes(existing: string | undefined): string {
  const at = existing?.indexOf(NOTES_MARKER) ?? -1;
  if (existing === undefined || at === -1) return `${NOTES_MARKER}\n`;
  return existing.slice(at);
}

export function renderBenchmarksDocument(
  report: BenchReport,
  failures: readonly string[],
  notes = keptNotes(undefined),
  sections: readonly string[] = [],
): string {
  const parts = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts); do not edit by hand.',
    '',
    '## Run',
    '',
    renderMachine(report),
    '',
    '## Targets',
    '',
    renderTargets(report),
  ];
  if (failures.length > 0) {
    parts.push('', '## Scenarios that failed in this run', '', ...failures.map((f) => `- ${f}`));
  }
  parts.push('', '## Results', '', renderResults(report), '');
  // Sections other tools write (e.g. `npm run chaos`), kept as they were.
  for (const section of sections) parts.push(section, '');
  parts.push(METHOD, '', notes);
  return parts.join('\n');
}
