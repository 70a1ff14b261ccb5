/**
 * Profiles one publish configuration of scenario 1:
 *   node dist/bench/tools/profile-publish.js <raw|ours|official> <emulator|canned> <concurrency> <dir>
 * After a warm-up, this process's CPU profile covers a 3 s window; the server child (started with
 * --cpu-prof) writes its own profile into the same directory when it stops.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bodyMd5 } from '../../lib/protocol/index.js';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { startChild } from '../harness/child.process.js';
import { measureThroughput } from '../harness/load.runner.js';
import { distFile } from '../harness/repo-root.js';
import { startEmulatorChild } from '../harness/servers.js';
import { makePublisher, type ClientId } from '../scenarios/publish.scenario.js';

async function main(): Promise<void> {
  const [client, serverKind, concurrencyArg, dir] = process.argv.slice(2);
  const concurrency = Number(concurrencyArg);
  if (
    (client !== 'raw' && client !== 'ours' && client !== 'official') ||
    (serverKind !== 'emulator' && serverKind !== 'canned') ||
    !Number.isInteger(concurrency) ||
    concurrency < 1 ||
    dir === undefined
  ) {
    throw new Error(
      'usage: profile-publish.js <raw|ours|official> <emulator|canned> <concurrency> <dir>',
    );
  }
  mkdirSync(dir, { recursive: true });
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const server =
    serverKind === 'emulator'
      ? await startEmulatorChild({ nodeArgs })
      : await startChild({
          name: 'canned-201 server',
          args: [
            distFile('bench/harness/canned.server.js'),
            '--body-md5',
            bodyMd5(FULL_CONFIG.body),
          ],
          endpointPattern: /(http:\/\/127\.0\.0\.1:\d+)/,
          nodeArgs,
        });
  const log = (line: string): void => void process.stderr.write(`[profile] ${line}\n`);
  const ctx = { config: FULL_CONFIG, credentials: EMULATOR_CREDENTIALS, emulator: server, log };
  const publisher = makePublisher(client as ClientId, server, ctx, concurrency);
  const session = new Session();
  session.connect();
  try {
    const window = measureThroughput(() => publisher.publish(), {
      concurrency,
      warmupMs: 1_000,
      durationMs: 3_000,
      serverPids: [server.pid],
    });
    await sleep(1_000);
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await window;
    const { profile } = await session.post('Profiler.stop');
    const file = `bench-${client}-${serverKind}-c${concurrency}.cpuprofile`;
    writeFileSync(join(dir, file), JSON.stringify(profile));
    log(
      `${client} → ${serverKind} c=${concurrency}: ${Math.round(result.opsPerSec)} msg/s, ` +
        `bench CPU ${Math.round(result.benchCpuPct)} %, server CPU ${Math.round(result.serverCpuPct[0] ?? 0)} %`,
    );
  } finally {
    session.disconnect();
    await publisher.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
