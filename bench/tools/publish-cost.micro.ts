/**
 * Client-side CPU cost of one `MQClient.publish()` against the canned-201 server (a child process
 * that does nearly nothing), in µs of this process's CPU (user + system) per publish. CPU time, not
 * wall time, so the figure holds on a shared machine; several rounds, median and best reported.
 * Used to price the whole-call deadline on the publish hot path (before/after). Usage:
 *   node dist/bench/tools/publish-cost.micro.js [publishesPerRound=40000] [rounds=7] [concurrency=64]
 */
import { bodyMd5 } from '../../lib/protocol/index.js';
import { MQClient } from '../../lib/client/index.js';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { startCannedServer } from '../harness/servers.js';

async function round(client: MQClient, total: number, concurrency: number): Promise<number> {
  const body = FULL_CONFIG.body;
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < total) {
      sent++;
      await client.publish('bench', { body });
    }
  };
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / total;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 40_000);
  const rounds = Number(process.argv[3] ?? 7);
  const concurrency = Number(process.argv[4] ?? 64);
  const server = await startCannedServer(bodyMd5(FULL_CONFIG.body));
  const client = new MQClient(server.endpoint, EMULATOR_CREDENTIALS);
  try {
    await round(client, 5_000, concurrency); // warm-up: sockets, JIT
    const costs: number[] = [];
    for (let i = 0; i < rounds; i++) costs.push(await round(client, total, concurrency));
    costs.sort((a, b) => a - b);
    const median = costs[Math.floor(costs.length / 2)]!;
    process.stdout.write(
      `publish client CPU per call (c=${concurrency}, ${rounds} × ${total}): ` +
        `median ${median.toFixed(2)} µs, best ${costs[0]!.toFixed(2)} µs ` +
        `[${costs.map((c) => c.toFixed(2)).join(', ')}]\n`,
    );
  } finally {
    await client.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
