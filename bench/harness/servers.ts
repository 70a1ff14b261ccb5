/** The two servers under test, each in its own child process. */
import { request } from 'undici';
import { distFile } from './repo-root.js';
import { startChild, type RunningChild } from './child.process.js';

const URL_PATTERN = /(https?:\/\/127\.0\.0\.1:\d+)/;
/** The --quiet line of an emulator with --grpc-port: HTTP endpoint, then gRPC `host:port`. */
const URL_AND_GRPC_PATTERN = /(https?:\/\/127\.0\.0\.1:\d+) \(gRPC (127\.0\.0\.1:\d+)\)/;

export interface EmulatorChildOptions {
  /** Durable log directory; memory only when omitted. */
  dataDir?: string;
  /** Extra Node flags for the child, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/p']. */
  nodeArgs?: string[];
  /** Extra emulator CLI flags. */
  args?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Also serve RocketMQ 5 gRPC (`--grpc-port 0`); its `host:port` is `endpoints[1]`. */
  grpc?: boolean;
}

/**
 * `node dist/lib/emulator/cli/main.js --port 0 [--data-dir D]`, endpoint parsed from its banner.
 * BENCH_EMULATOR_MAIN=<path to another build's main.js> measures that build instead (to compare a
 * change with the code before it; flags the other build does not know make it exit at start).
 */
export function startEmulatorChild(options: EmulatorChildOptions = {}): Promise<RunningChild> {
  const main = process.env['BENCH_EMULATOR_MAIN'] || distFile('lib/emulator/cli/main.js');
  // --quiet: one banner line, no per-request log lines (logging would be measured as emulator cost).
  const args = [main, '--port', '0', '--quiet', ...(options.args ?? [])];
  if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
  if (options.grpc === true) args.push('--grpc-port', '0');
  return startChild({
    name: options.dataDir === undefined ? 'emulator' : 'emulator (--data-dir)',
    args,
    endpointPattern: options.grpc === true ? URL_AND_GRPC_PATTERN : URL_PATTERN,
    nodeArgs: [...(options.nodeArgs ?? profileArgs() ?? [])],
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
}

/**
 * BENCH_PROFILE_DIR=<dir> makes every emulator child write a V8 CPU profile there when it stops
 * (read them with bench/tools/cpu-profile.top.ts).
 */
function profileArgs(): string[] | undefined {
  const dir = process.env['BENCH_PROFILE_DIR'];
  return dir === undefined || dir === '' ? undefined : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** An emulator child that also serves RocketMQ 5 gRPC: `endpoint` is HTTP, `grpcEndpoint` host:port. */
export async function startGrpcEmulatorChild(
  args: string[] = [],
): Promise<RunningChild & { grpcEndpoint: string }> {
  const child = await startEmulatorChild({ grpc: true, args });
  const grpcEndpoint = child.endpoints[1];
  if (grpcEndpoint === undefined) throw new Error('bench: the emulator printed no gRPC endpoint');
  return Object.assign(child, { grpcEndpoint });
}

/** The canned-201 publish server (bench/harness/canned.server.ts). */
export function startCannedServer(bodyMd5: string): Promise<RunningChild> {
  return startChild({
    name: 'canned-201 server',
    args: [distFile('bench/harness/canned.server.js'), '--body-md5', bodyMd5],
    endpointPattern: URL_PATTERN,
  });
}

/**
 * Drops every message the emulator holds (admin API, POST /_emulator/reset), so that a publish
 * window never runs against a store swollen by the windows before it.
 */
export async function resetEmulator(endpoint: string): Promise<void> {
  const { statusCode, body } = await request(`${endpoint}/_emulator/reset`, { method: 'POST' });
  await body.dump();
  if (statusCode !== 200) throw new Error(`bench: emulator reset answered HTTP ${statusCode}`);
}

/** A TCP proxy adding `delayMs` in each direction in front of `target` (bench/harness/latency.proxy.ts). */
export function startLatencyProxy(target: string, delayMs: number): Promise<RunningChild> {
  return startChild({
    name: `latency proxy (${delayMs} ms each way)`,
    args: [
      distFile('bench/harness/latency.proxy.js'),
      '--target',
      target,
      '--delay-ms',
      String(delayMs),
    ],
    endpointPattern: URL_PATTERN,
  });
}
