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
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { target } from '../harness/report.types.js';
import { resetEmulator, startCannedServer } from '../harness/servers.js';

type ClientId = 'raw' | 'ours' | 'official';
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

function makePublisher(
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
  const best = new Map<string, ThroughputResult>();
  try {
    for (const server of [ctx.emulator, canned]) {
      for (const concurrency of ctx.config.publish.concurrencies) {
        for (let round = 0; round < ctx.config.publish.rounds; round++) {
          for (const client of CLIENTS) {
            if (server === ctx.emulator) await resetEmulator(server.endpoint);
            const publisher = makePublisher(client, server, ctx, concurrency);
            try {
              const result = await measureThroughput(() => publisher.publish(), {
                concurrency,
                warmupMs: ctx.config.publish.warmupMs,
                durationMs: ctx.config.publish.durationMs,
                serverPids: [server.pid],
              });
              const key = `${server.name}/${concurrency}/${client}`;
              ctx.log(`publish ${key} round ${round + 1}: ${Math.round(result.opsPerSec)} msg/s`);
              if ((best.get(key)?.opsPerSec ?? -1) < result.opsPerSec) best.set(key, result);
            } finally {
              await publisher.close();
            }
          }
        }
      }
    }
  } finally {
    await canned.stop();
  }
  return summarize(ctx, [ctx.emulator.name, canned.name], best);
}

function summarize(
  ctx: BenchContext,
  serverNames: string[],
  best: Map<string, ThroughputResult>,
): { rows: ResultRow[]; targets: TargetCheck[] } {
  const rows: ResultRow[] = [];
  const targets: TargetCheck[] = [];
  const rate = (server: string, c: number, client: ClientId): number => {
    const result = best.get(`${server}/${c}/${client}`);
    if (result === undefined)
      throw new Error(`bench: no publish result for ${server}/${c}/${client}`);
    return result.opsPerSec;
  };
  const topConcurrency = Math.max(...ctx.config.publish.concurrencies);
  for (const server of serverNames) {
    const serverId = server === ctx.emulator.name ? 'emulator' : 'canned';
    for (const c of ctx.config.publish.concurrencies) {
      const raw = rate(server, c, 'raw');
      const official = rate(server, c, 'official');
      for (const client of CLIENTS) {
        const result = best.get(`${server}/${c}/${client}`) as ThroughputResult;
        const value = result.opsPerSec;
        const detail =
          client === 'raw'
            ? 'ceiling'
            : client === 'ours'
              ? `${ratio(value, raw)} raw, ${ratio(value, official)} official`
              : `${ratio(value, raw)} raw`;
        rows.push({
          id: `publish.${client}.${serverId}.c${c}`,
          section: 'publish',
          label: `${CLIENT_LABELS[client]} → ${serverId === 'emulator' ? 'emulator' : 'canned-201'}, c=${c}`,
          value,
          unit: 'msg/s',
          detail,
          benchCpuPct: result.benchCpuPct,
          serverCpuPct: result.serverCpuPct[0],
        });
      }
      if (serverId === 'emulator' && c === topConcurrency) {
        const ours = rate(server, c, 'ours');
        targets.push(target(`publish c=${c}: our client / raw ceiling`, ours / raw, 'min', 0.8));
        targets.push(
          target(`publish c=${c}: our client / official SDK`, ours / official, 'min', 2.5),
        );
      }
    }
  }
  return { rows, targets };
}

export function ratio(value: number, of: number): string {
  return `${(value / of).toFixed(2)}×`;
}
