/**
 * A Node child process that announces readiness on stdout (a banner with its endpoint).
 * Servers under test run in their own process so that their CPU and memory can be measured apart
 * from the load generator, as a real deployment would have them.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildOptions {
  /** Name used in error messages. */
  name: string;
  /** Script and arguments given to the current Node binary. */
  args: string[];
  /** The first stdout/stderr match of this pattern's group 1 is the endpoint (other groups: `endpoints`). */
  endpointPattern: RegExp;
  /** Give up waiting for the banner after this (default 15 s). */
  startTimeoutMs?: number;
  /** Extra arguments for Node itself (e.g. --cpu-prof), placed before the script. */
  nodeArgs?: string[];
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

export interface RunningChild {
  readonly name: string;
  readonly pid: number;
  readonly endpoint: string;
  /** Every capture group of the endpoint pattern, in order (the first is `endpoint`). */
  readonly endpoints: readonly string[];
  /** Sends SIGTERM (SIGINT first is not needed: our servers stop on either) and waits for exit. */
  stop(): Promise<void>;
}

/** Keeps only the tail of the child's output for error messages; the rest is read and dropped. */
const OUTPUT_TAIL_CHARS = 4000;

/**
 * Children still running. If this process dies without stopping them (an uncaught error), they
 * are killed on the way out instead of living on as orphans holding ports and CPU.
 */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const orphan of live) orphan.kill('SIGKILL');
  });
}

export function startChild(options: ChildOptions): Promise<RunningChild> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env !== undefined ? { env: { ...process.env, ...options.env } } : {}),
  });
  track(child);
  let output = '';
  let endpoint: string | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  return new Promise<RunningChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`bench: ${options.name} printed no endpoint within the start timeout\n${output}`),
      );
    }, options.startTimeoutMs ?? 15_000);

    const onData = (chunk: Buffer): void => {
      // Output is always consumed so that a chatty child never blocks on a full pipe.
      if (endpoint !== undefined) return;
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
      const match = options.endpointPattern.exec(output);
      if (match?.[1] === undefined) return;
      endpoint = match[1];
      clearTimeout(timer);
      resolve(handle(child, options.name, match.slice(1), exited));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`bench: cannot start ${options.name}: ${error.message}`));
    });
    void exited.then((code) => {
      if (endpoint !== undefined) return;
      clearTimeout(timer);
      reject(
        new Error(`bench: ${options.name} exited with code ${code} before it was ready\n${output}`),
      );
    });
  });
}

function handle(
  child: ChildProcess,
  name: string,
  endpoints: string[],
  exited: Promise<number | null>,
): RunningChild {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`bench: ${name} has no pid`);
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    endpoint: endpoints[0]!,
    endpoints,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}
