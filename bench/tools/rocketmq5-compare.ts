/**
 * Measures what decided how the `grpc` transport talks RocketMQ 5: our client on @grpc/grpc-js
 * (lib/client-grpc) against the official rocketmq-client-nodejs 1.0.8, on the same emulator
 * child, each case in a fresh child process of its own:
 *   npm run build && node dist/bench/tools/rocketmq5-compare.js [messages] [cpu|down|auth|silent|data …]
 * - CPU µs per message of the client process: sequential publish, 16 concurrent publishes, and a
 *   receive+ack loop (batches of 16; ours acks a batch per request — `ours-ack1` one by one, as the
 *   official client must);
 * - the timers and handles a started client keeps (process.getActiveResourcesInfo());
 * - shutdown: how long close/shutdown takes and whether the process then exits by itself;
 * - a producer of five topics (startup), the official default logger (does the process exit?);
 * - failures: endpoint down, wrong credentials, a server that never answers (`silent`) and one
 *   that answers routes and settings but stalls every data call (`data`): what the first call
 *   does, how long it takes, and how long shutdown takes afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Producer, SimpleConsumer } from 'rocketmq-client-nodejs';
import { RocketMQ5Client } from '../../lib/client-grpc/index.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { startStallingServer } from '../harness/stalling.grpc.server.js';
import { startGrpcEmulatorChild } from '../harness/servers.js';
import { FULL_CONFIG } from '../bench.config.js';

/** `ours-ack1`: our client acking one message per request, the official client's shape. */
type ClientKind = 'ours' | 'ours-ack1' | 'official';
/**
 * `topics`: a producer of five topics (the official startup waits for a settings reply it may
 * miss with three or more); `logger`: the official client with its default logger (files under
 * $HOME — a temporary one here).
 */
type Part = 'cpu' | 'down' | 'auth' | 'silent' | 'data' | 'topics' | 'logger';

const BODY = FULL_CONFIG.body;
const SILENT = { info() {}, warn() {}, error() {}, debug() {} };

interface Target {
  endpoint: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
}

/** One client behind a common shape: publish one message, receive a batch and ack it, close. */
interface Subject {
  start(): Promise<void>;
  publish(topic: string): Promise<unknown>;
  receiveAndAck(topic: string, group: string): Promise<number>;
  close(): Promise<void>;
}

function ours(target: Target, ackOneByOne: boolean): Subject {
  const client = new RocketMQ5Client(target.endpoint, target.credentials, {});
  return {
    start: async () => undefined,
    publish: (topic) => client.publish(topic, { body: BODY }),
    receiveAndAck: async (topic, group) => {
      const messages = await client.receive({
        topic,
        group,
        max: 16,
        waitMs: 3_000,
        invisibleMs: 30_000,
      });
      if (ackOneByOne) for (const m of messages) await client.ack(topic, group, [m]);
      else if (messages.length > 0) await client.ack(topic, group, messages);
      return messages.length;
    },
    close: () => client.close(),
  };
}

function official(target: Target, topics: string[], defaultLogger: boolean): Subject {
  const base = {
    endpoints: target.endpoint,
    namespace: '',
    sessionCredentials: {
      accessKey: target.credentials.accessKeyId,
      accessSecret: target.credentials.accessKeySecret,
    },
    ...(!defaultLogger && { logger: SILENT }),
  };
  const producer = new Producer({ ...base, topic: topics });
  let consumer: SimpleConsumer | undefined;
  return {
    start: () => producer.startup(),
    publish: (t) => producer.send({ topic: t, body: Buffer.from(BODY) }),
    receiveAndAck: async (t, g) => {
      if (consumer === undefined) {
        consumer = new SimpleConsumer({
          ...base,
          consumerGroup: g,
          subscriptions: new Map([[t, '*']]),
          awaitDuration: 3_000,
        });
        await consumer.startup();
      }
      const messages = await consumer.receive(16, 30_000);
      for (const m of messages) await consumer.ack(m);
      return messages.length;
    },
    close: async () => {
      await producer.shutdown();
      await consumer?.shutdown();
    },
  };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function resources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
}

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`RESULT ${JSON.stringify(record)}\n`);
}

async function timed<T>(
  fn: () => Promise<T>,
  limitMs: number,
): Promise<{ ms: number; outcome: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still pending after ${limitMs} ms`)), limitMs);
      }),
    ]);
    return { ms: Math.round(performance.now() - started), outcome: 'ok' };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    const code = e.code === undefined ? '' : ` [${String(e.code)}]`;
    return {
      ms: Math.round(performance.now() - started),
      outcome: `${e.name}${code}: ${e.message.slice(0, 120)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function child(
  kind: ClientKind,
  part: Part,
  endpoint: string,
  messages: number,
): Promise<void> {
  const topic = `cmp-${kind}-${part}`;
  const group = `GID_cmp_${kind}_${part}`;
  const credentials =
    part === 'auth'
      ? { accessKeyId: 'emulator', accessKeySecret: 'wrong-secret' }
      : EMULATOR_CREDENTIALS;
  const target = { endpoint, credentials };
  const topics = part === 'topics' ? Array.from({ length: 5 }, (_, i) => `${topic}-${i}`) : [topic];
  const subject =
    kind === 'official'
      ? official(target, topics, part === 'logger')
      : ours(target, kind === 'ours-ack1');
  const before = resources();
  if (part === 'cpu') {
    await subject.start();
    for (let i = 0; i < 200; i++) await subject.publish(topic); // warm-up
    let c = cpuMs();
    let t = performance.now();
    for (let i = 0; i < messages; i++) await subject.publish(topic);
    const sequential = {
      cpuUsPerMsg: ((cpuMs() - c) * 1000) / messages,
      msgPerSec: messages / ((performance.now() - t) / 1000),
    };
    c = cpuMs();
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < messages) await subject.publish(topic);
      }),
    );
    const parallel = {
      cpuUsPerMsg: ((cpuMs() - c) * 1000) / messages,
      msgPerSec: messages / ((performance.now() - t) / 1000),
    };
    // Receive everything published (warm-up + 2 × messages) with the receive+ack loop.
    const total = 200 + 2 * messages;
    let received = await subject.receiveAndAck(topic, group); // starts the consumer
    c = cpuMs();
    t = performance.now();
    const counted = total - received;
    while (received < total) received += await subject.receiveAndAck(topic, group);
    const loop = {
      cpuUsPerMsg: ((cpuMs() - c) * 1000) / counted,
      msgPerSec: counted / ((performance.now() - t) / 1000),
    };
    const running = resources();
    const shutdown = await timed(() => subject.close(), 20_000);
    emit({
      kind,
      part,
      sequential,
      parallel,
      loop,
      resourcesStarted: diff(running, before),
      shutdown,
    });
  } else {
    const first = await timed(async () => {
      await subject.start();
      for (const t of topics) await subject.publish(t);
    }, 40_000);
    const receive =
      part === 'data' ? await timed(() => subject.receiveAndAck(topic, group), 40_000) : undefined;
    const shutdown = await timed(() => subject.close(), 20_000);
    emit({ kind, part, first, receive, shutdown, resourcesLeft: diff(resources(), before) });
  }
  process.stdout.write('CLOSED\n');
  // No process.exit: the parent measures whether the process ends by itself.
}

function diff(now: string[], before: string[]): string[] {
  const left = [...before];
  const out: string[] = [];
  for (const r of now) {
    const i = left.indexOf(r);
    if (i >= 0) left.splice(i, 1);
    else out.push(r);
  }
  return out;
}

/** Runs one case in a child; returns its result and how long the process lived after CLOSED. */
function runCase(
  kind: ClientKind,
  part: Part,
  endpoint: string,
  messages: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const home = part === 'logger' ? mkdtempSync(join(tmpdir(), 'rmq5-home-')) : undefined;
    const proc = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', kind, part, endpoint, String(messages)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        ...(home !== undefined && { env: { ...process.env, HOME: home } }),
      },
    );
    let result: Record<string, unknown> = { kind, part };
    let closedAt = 0;
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7));
        if (line === 'CLOSED' && closedAt === 0) closedAt = performance.now();
      }
    });
    const killer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
    const lingerLimit = setInterval(() => {
      if (closedAt !== 0 && performance.now() - closedAt > 15_000) proc.kill('SIGKILL');
    }, 500);
    proc.on('exit', (code, signal) => {
      if (home !== undefined) rmSync(home, { recursive: true, force: true });
      clearTimeout(killer);
      clearInterval(lingerLimit);
      result.exitAfterCloseMs = closedAt === 0 ? null : Math.round(performance.now() - closedAt);
      result.exit =
        signal === 'SIGKILL' ? 'killed (did not exit by itself within 15 s)' : `exited (${code})`;
      resolve(result);
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(args[1] as ClientKind, args[2] as Part, args[3]!, Number(args[4]));
    return;
  }
  const messages = Number(args[0] ?? 2_000);
  const parts = (
    args.slice(1).length > 0
      ? args.slice(1)
      : ['cpu', 'down', 'auth', 'silent', 'data', 'topics', 'logger']
  ) as Part[];
  const emulator = await startGrpcEmulatorChild();
  const silent = await startStallingServer('silent');
  const data = await startStallingServer('data');
  try {
    const endpoints: Record<Part, string> = {
      cpu: emulator.grpcEndpoint,
      auth: emulator.grpcEndpoint,
      topics: emulator.grpcEndpoint,
      logger: emulator.grpcEndpoint,
      down: '127.0.0.1:1',
      silent: silent.endpoint,
      data: data.endpoint,
    };
    for (const part of parts) {
      const kinds: ClientKind[] =
        part === 'cpu' ? ['ours', 'ours-ack1', 'official'] : ['ours', 'official'];
      for (const kind of kinds) {
        const result = await runCase(kind, part, endpoints[part], messages);
        process.stdout.write(`${JSON.stringify(result)}\n`);
      }
    }
  } finally {
    await silent.close();
    await data.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
