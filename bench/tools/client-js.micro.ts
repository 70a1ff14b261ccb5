/**
 * The client's own JavaScript per publish, without sockets: MQClient.publish with its pool's
 * `dispatch` replaced by a stand-in that answers the canned 201 through the handler on the next
 * microtask (what undici calls after a response, minus the network and undici itself). CPU µs per
 * publish (process.cpuUsage), 32 publishes in flight, for this build and any other builds given,
 * rounds alternating between builds; medians. It isolates what the client adds (validation, XML,
 * MD5, signature, headers, deadline, parsing), which the socket and kernel costs of
 * publish-cost.micro.ts bury in noise on a shared machine.
 *
 *   node dist/bench/tools/client-js.micro.js [rounds=9] [publishesPerRound=100000] [<other dist dir>...]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MQClient } from '../../lib/client/index.js';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { measureBuildsInTurns, runTool, type BuildUnderTest } from '../harness/builds.in-turns.js';
import { distFile } from '../harness/repo-root.js';

/** undici's handler interfaces, both the core one and the newer one (a build may use either). */
interface AnyHandler {
  onConnect?(abort: () => void): void;
  onHeaders?(status: number, raw: Buffer[], resume: () => void, text: string): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(trailers: Buffer[]): void;
  onRequestStart?(controller: unknown, context: unknown): void;
  onResponseStart?(controller: unknown, status: number, headers: object, text: string): void;
  onResponseData?(controller: unknown, chunk: Buffer): void;
  onResponseEnd?(controller: unknown, trailers: object): void;
}

interface Build extends BuildUnderTest {
  client: MQClient;
}

async function load(dir: string, body: string): Promise<Build> {
  const url = (path: string): string => pathToFileURL(join(dir, path)).href;
  const { MQClient: Client } = (await import(url('lib/client/index.js'))) as {
    MQClient: typeof MQClient;
  };
  const { bodyMd5 } = (await import(url('lib/protocol/index.js'))) as {
    bodyMd5(s: string): string;
  };
  const response = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1">' +
      `<MessageId>0A1B2C3D00002A9F4E8B1C7D00000001</MessageId><MessageBodyMD5>${bodyMd5(body)}` +
      '</MessageBodyMD5></Message>',
  );
  const raw = ['x-mq-request-id', '6900000000000000000000AA', 'content-type', 'text/xml'].map((s) =>
    Buffer.from(s),
  );
  const headers = { 'x-mq-request-id': '6900000000000000000000AA', 'content-type': 'text/xml' };
  const client = new Client('http://127.0.0.1:1', EMULATOR_CREDENTIALS);
  // The private pool, reached on purpose: this tool measures everything but the network.
  const pool = (client as unknown as { pool: { dispatch: unknown } }).pool;
  pool.dispatch = (_options: unknown, h: AnyHandler): boolean => {
    queueMicrotask(() => {
      const noop = (): void => undefined;
      if (h.onRequestStart !== undefined) {
        const controller = { abort: noop, pause: noop, resume: noop };
        h.onRequestStart(controller, {});
        h.onResponseStart?.(controller, 201, { ...headers }, 'Created');
        h.onResponseData?.(controller, response);
        h.onResponseEnd?.(controller, {});
      } else {
        h.onConnect?.(noop);
        h.onHeaders?.(201, raw, noop, 'Created');
        h.onData?.(response);
        h.onComplete?.([]);
      }
    });
    return true;
  };
  return { dir, client, costs: [] };
}

async function round(client: MQClient, body: string, publishes: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < publishes; i += 32) {
    const batch: Promise<unknown>[] = [];
    for (let j = 0; j < 32; j++) batch.push(client.publish('bench', { body }));
    await Promise.all(batch);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / publishes;
}

async function main(): Promise<void> {
  const [roundsArg, publishesArg, ...others] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 9);
  const publishes = Number(publishesArg ?? 100_000);
  const body = FULL_CONFIG.body;
  const builds = [await load(distFile(''), body)];
  for (const dir of others) builds.push(await load(dir, body));
  await measureBuildsInTurns(
    builds,
    rounds,
    (b) => round(b.client, body, 50_000), // warm-up (JIT)
    (b) => round(b.client, body, publishes),
    `client JS per publish (no sockets), ${rounds} rounds × ${publishes}`,
  );
}

runTool(main);
