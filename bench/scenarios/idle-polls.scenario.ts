/**
 * Scenario 4b: what 1,000 idle long polls cost the emulator. A fresh emulator child is measured at
 * rest (RSS), then held by that many identical pre-signed long polls on an empty queue (one undici
 * connection each); its CPU is sampled over a few seconds and its RSS read again. An idle poll
 * should cost memory for its socket and nothing else: no timers firing, no polling loop.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { presign } from '../clients/presigned.request.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import { clockTicks, CpuMeter, processOpenFds, processRssBytes } from '../harness/proc.stats.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { startEmulatorChild } from '../harness/servers.js';

const MIB = 2 ** 20;

export async function runIdlePollsScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const { polls, settleMs, sampleMs } = ctx.config.idlePolls;
  const { topic, group } = names('idle-polls');
  const emulator = await startEmulatorChild();
  const pool = new Pool(emulator.endpoint, { connections: polls, keepAliveTimeout: 60_000 });
  const poll = presign(
    'GET',
    `/topics/${topic}/messages?consumer=${group}&numOfMessages=16&waitseconds=30`,
    ctx.credentials,
  );
  let rows: ResultRow[];
  try {
    await sleep(settleMs);
    const restRss = processRssBytes(emulator.pid);
    const restFds = processOpenFds(emulator.pid);
    const restCpu = new CpuMeter([emulator.pid]);
    await sleep(sampleMs);
    const restPct = restCpu.read().serverPct[0] ?? 0;

    const aborter = new AbortController();
    // One signal ends every poll at once; each request adds a listener to it.
    setMaxListeners(polls + 10, aborter.signal);
    const outstanding = Array.from({ length: polls }, () =>
      pool
        .request({ method: 'GET', path: poll.path, headers: poll.headers, signal: aborter.signal })
        .then(
          async ({ statusCode, body }) => {
            await body.dump();
            // Only an early answer lands here: every poll should still be waiting when it is aborted.
            throw new Error(`bench: an idle long poll returned early with HTTP ${statusCode}`);
          },
          (error: unknown) => {
            if (!aborter.signal.aborted) throw error;
          },
        ),
    );
    let early: unknown;
    const watch = Promise.all(outstanding).catch((error: unknown) => (early = error));
    await sleep(settleMs);
    const meter = new CpuMeter([emulator.pid]);
    await sleep(sampleMs);
    const cpuPct = meter.read().serverPct[0] ?? 0;
    const rss = processRssBytes(emulator.pid);
    const openedFds = processOpenFds(emulator.pid) - restFds;
    aborter.abort();
    await watch;
    if (early !== undefined) throw early;
    // Each poll holds one socket in the emulator; fewer new descriptors means polls never arrived.
    if (openedFds < polls) {
      throw new Error(
        `bench: only ${openedFds} of ${polls} long-poll connections reached the emulator`,
      );
    }
    ctx.log(
      `idle polls: ${polls} polls, CPU ${cpuPct.toFixed(1)} %, RSS ${(rss / MIB).toFixed(1)} MiB`,
    );
    rows = [
      {
        id: 'idle-polls.cpu',
        section: 'idle-polls',
        label: `emulator CPU with ${polls} idle long polls (sampled ${sampleMs} ms)`,
        value: cpuPct,
        unit: '% CPU',
        // One clock tick over the window is the smallest non-zero figure /proc can show.
        detail:
          `${restPct.toFixed(1)} % at rest; ${openedFds} sockets held; ` +
          `resolution ${(100_000 / clockTicks() / sampleMs).toFixed(2)} %`,
      },
      {
        id: 'idle-polls.rss',
        section: 'idle-polls',
        label: `emulator RSS with ${polls} idle long polls`,
        value: rss / MIB,
        unit: 'MiB',
        detail: `${(restRss / MIB).toFixed(1)} MiB at rest: ${((rss - restRss) / polls / 1024).toFixed(1)} KiB per poll`,
      },
    ];
  } finally {
    await pool.destroy();
    await emulator.stop();
  }
  return { rows, targets: [] };
}
