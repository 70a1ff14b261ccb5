/**
 * Scenario 1: publish throughput of our client, the official SDK and the raw undici ceiling, at
 * each concurrency, against the emulator and against the canned-201 server. Every client gets as
 * many sockets as there are concurrent publishes. Clients are interleaved round by round so that a
 * burst of noise from other tenants hurts one window of each rather than all windows of one.
 */
import { MQClient } from '../../lib/client/index.js';
import { bodyMd5 } from '../../lib/protocol/index.js';
import { officialClient, officialPublisher } from '../clients/official-sdk.js';
import { RawUndiciPublisher } from '../clients/raw-undici.publisher.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import type { RunningChild } from '../harness/child.process.js';
import { measureThroughput, type ThroughputResult } from '../harness/load.runner.js';
import { median } from '../harness/percentiles.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { resetEmulator, startCannedServer } from '../harness/servers.js';

export type ClientId = 'raw' | 'ours' | 'official';
const CLIENT_LABELS: Record<ClientId, string> = {
  raw: 'raw undici ceiling',
  ours: 'our MQClient',
  official: 'official SDK',
};
const CLIENTS: ClientId[] = ['raw', 'ours', 'official'];

interface Publisher {
  publish(): Promise<void>;
  close(): Promise<void>;
}

export function makePublisher(
  client: ClientId,
  server: RunningChild,
  ctx: BenchContext,
  connections: number,
): Publisher {
  const { topic } = names(`publish-${client}`);
  const body = ctx.config.body;
  switch (client) {
    case 'raw':
      return new RawUndiciPublisher(server.endpoint, topic, body, ctx.credentials, connections);
    case 'ours': {
      const mq = new MQClient(server.endpoint, ctx.credentials, { connections });
      return {
        publish: async () => {
          await mq.publish(topic, { body });
        },
        close: () => mq.close(),
      };
    }
    case 'official': {
      // The SDK shares httpx's global keep-alive agent (no socket limit): `connections` sockets open.
      const publish = officialPublisher(
        officialClient(server.endpoint, ctx.credentials),
        topic,
        body,
      );
      return { publish, close: async () => undefined };
    }
  }
}

export async function runPublishScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const canned = await startCannedServer(bodyMd5(ctx.config.body));
  // key `${server}/${concurrency}/${client}` -> one result per round, rounds in order.
  const results = new Map<string, ThroughputResult[]>();
  try {
    for (const server of [ctx.emulator, canned]) {
      for (const concurrency of ctx.config.publish.concurrencies) {
        await measureInterleaved(ctx, server, concurrency, results);
      }
    }
  } finally {
    await canned.stop();
  }
  return summarize(ctx, [ctx.emulator.name, canned.name], results);
}

/**
 * The three clients stay open for all rounds (connections and JIT stay warm after one long
 * warm-up), so the windows can be short and alternate quickly: a disturbance from other tenants
 * lasting a few seconds then touches every client alike.
 */
async function measureInterleaved(
  ctx: BenchContext,
  server: RunningChild,
  concurrency: number,
  results: Map<string, ThroughputResult[]>,
): Promise<void> {
  const settings = ctx.config.publish;
  const publishers = CLIENTS.map((client) => makePublisher(client, server, ctx, concurrency));
  try {
    for (const publisher of publishers) {
      await measureThroughput(() => publisher.publish(), {
        concurrency,
        warmupMs: settings.initialWarmupMs,
        durationMs: 1,
      });
    }
    for (let round = 0; round < settings.rounds; round++) {
      // An emptied store for each round: later windows must not run against a bigger one.
      if (server === ctx.emulator) await resetEmulator(server.endpoint);
      for (const [index, client] of CLIENTS.entries()) {
        const publisher = publishers[index] as Publisher;
        const result = await measureThroughput(() => publisher.publish(), {
          concurrency,
          warmupMs: settings.warmupMs,
          durationMs: settings.durationMs,
          serverPids: [server.pid],
        });
        const key = `${server.name}/${concurrency}/${client}`;
        const list = results.get(key) ?? [];
        list.push(result);
        results.set(key, list);
      }
    }
  } finally {
    await Promise.all(publishers.map((p) => p.close()));
  }
  for (const client of CLIENTS) {
    const rates = (results.get(`${server.name}/${concurrency}/${client}`) ?? []).map((r) =>
      Math.round(r.opsPerSec),
    );
    ctx.log(`publish ${server.name} c=${concurrency} ${client}: ${rates.join(' ')} msg/s`);
  }
}

/** CPU time of the bench process per message, in µs: the client's own cost, little affected by contention. */
function cpuMicrosPerMessage(result: ThroughputResult): number {
  return ((result.benchCpuPct / 100) * 1e6) / result.opsPerSec;
}

function summarize(
  ctx: BenchContext,
  serverNames: string[],
  results: Map<string, ThroughputResult[]>,
): { rows: ResultRow[]; targets: TargetCheck[] } {
  const rows: ResultRow[] = [];
  const targets: TargetCheck[] = [];
  const get = (server: string, c: number, client: ClientId): ThroughputResult[] => {
    const list = results.get(`${server}/${c}/${client}`);
    if (list === undefined || list.length === 0) {
      throw new Error(`bench: no publish result for ${server}/${c}/${client}`);
    }
    return list;
  };
  // Ratios compare the windows of the same round (measured seconds apart), then take the median
  // over rounds: a burst of load from other tenants then skews one round, not the ratio.
  const roundRatio = (server: string, c: number, a: ClientId, b: ClientId): number => {
    const as = get(server, c, a);
    const bs = get(server, c, b);
    return median(as.map((r, i) => r.opsPerSec / (bs[i] as ThroughputResult).opsPerSec));
  };
  const topConcurrency = Math.max(...ctx.config.publish.concurrencies);
  for (const server of serverNames) {
    const serverId = server === ctx.emulator.name ? 'emulator' : 'canned';
    for (const c of ctx.config.publish.concurrencies) {
      for (const client of CLIENTS) {
        const list = get(server, c, client);
        const cpu = `${Math.round(median(list.map(cpuMicrosPerMessage)))} µs bench CPU/msg`;
        const detail =
          client === 'raw'
            ? `ceiling; ${cpu}`
            : client === 'ours'
              ? `${roundRatio(server, c, 'ours', 'raw').toFixed(2)}× raw, ` +
                `${roundRatio(server, c, 'ours', 'official').toFixed(2)}× official; ${cpu}`
              : `${roundRatio(server, c, 'official', 'raw').toFixed(2)}× raw; ${cpu}`;
        rows.push({
          id: `publish.${client}.${serverId}.c${c}`,
          section: 'publish',
          label: `${CLIENT_LABELS[client]} → ${serverId === 'emulator' ? 'emulator' : 'canned-201'}, c=${c}`,
          // Medians over the rounds: with many short windows the best one is an outlier.
          value: median(list.map((r) => r.opsPerSec)),
          unit: 'msg/s',
          detail,
          benchCpuPct: median(list.map((r) => r.benchCpuPct)),
          serverCpuPct: median(list.map((r) => r.serverCpuPct[0] ?? 0)),
        });
      }
      if (c === topConcurrency) {
        // The emulator is the issue's setting; the canned server shows the clients' own cost.
        const where = serverId === 'emulator' ? 'emulator' : 'canned-201 server';
        targets.push(
          target(
            `publish c=${c} (${where}): our client / raw ceiling`,
            roundRatio(server, c, 'ours', 'raw'),
            'min',
            // Issue 16 asks 0.85× where the client's own cost shows (the canned server); against
            // the emulator the server is the bottleneck and round 1's 0.8× stays.
            serverId === 'emulator' ? 0.8 : 0.85,
          ),
          target(
            `publish c=${c} (${where}): our client / official SDK`,
            roundRatio(server, c, 'ours', 'official'),
            'min',
            2.5,
          ),
        );
      }
    }
  }
  return { rows, targets };
}
