/**
 * The client's own JavaScript per drained message, without sockets: MQClient.consume of 16
 * messages then MQClient.ack of their 16 handles (what the tuned drain sends per batch), with both
 * pools' `dispatch` replaced by a stand-in that answers through the handler on the next microtask:
 * the emulator's consume answer (16 messages with the bench body and a traceparent property), and
 * 204 for the ack. CPU µs per message (process.cpuUsage), four such loops in flight, for this build
 * and any other builds given, rounds alternating between builds; medians. It isolates request
 * building, signing, the consume answer's parse, MD5 checks and message objects, which the drain's
 * sockets, undici and the kernel bury in noise on a shared machine.
 *
 *   node dist/bench/tools/consume-ack.micro.js [rounds=7] [batchesPerRound=8000] [<other dist dir>...]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MQClient } from '../../lib/client/index.js';
import type { ConsumedMessageDoc } from '../../lib/protocol/index.js';
import { FULL_CONFIG } from '../bench.config.js';
import { EMULATOR_CREDENTIALS } from '../bench.runner.js';
import { PRODUCER_TRACEPARENT } from '../harness/otel.sdk.js';
import { measureBuildsInTurns, runTool, type BuildUnderTest } from '../harness/builds.in-turns.js';
import { distFile } from '../harness/repo-root.js';

/** undici's core handler interface, as the client's transport implements it. */
interface CoreHandler {
  onConnect(abort: () => void): void;
  onHeaders(status: number, raw: Buffer[], resume: () => void, text: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Buffer[]): void;
}

interface Build extends BuildUnderTest {
  client: MQClient;
}

const BATCH = 16;
const LOOPS = 4;

async function load(dir: string, body: string): Promise<Build> {
  const url = (path: string): string => pathToFileURL(join(dir, path)).href;
  const { MQClient: Client } = (await import(url('lib/client/index.js'))) as {
    MQClient: typeof MQClient;
  };
  const protocol = (await import(url('lib/protocol/index.js'))) as {
    bodyMd5(s: string): string;
    buildConsumeResponse(msgs: ConsumedMessageDoc[]): string;
  };
  const now = 1_764_553_000_000;
  const docs: ConsumedMessageDoc[] = [];
  for (let i = 0; i < BATCH; i++) {
    docs.push({
      messageId: `0A1B2C3D00002A9F4E8B1C7D${String(i).padStart(8, '0')}`,
      receiptHandle: `0A1B2C3D00002A9F4E8B1C7D${String(i).padStart(8, '0')}-${now + 300_000}-1`,
      bodyMd5: protocol.bodyMd5(body),
      body,
      publishTime: now + i,
      firstConsumeTime: now + 1_000,
      nextConsumeTime: now + 301_000,
      consumedTimes: 1,
      properties: `traceparent:${PRODUCER_TRACEPARENT}|`,
    });
  }
  const consumeAnswer = Buffer.from(protocol.buildConsumeResponse(docs));
  const raw = ['x-mq-request-id', '6900000000000000000000AA', 'content-type', 'text/xml'].map((s) =>
    Buffer.from(s),
  );
  const client = new Client('http://127.0.0.1:1', EMULATOR_CREDENTIALS);
  const answer =
    (status: number, data: Buffer | null) =>
    (_options: unknown, h: CoreHandler): boolean => {
      queueMicrotask(() => {
        const noop = (): void => undefined;
        h.onConnect(noop);
        h.onHeaders(status, raw, noop, '');
        if (data !== null) h.onData(data);
        h.onComplete([]);
      });
      return true;
    };
  // The private pools, reached on purpose: this tool measures everything but the network.
  const pools = client as unknown as {
    pool: { dispatch: unknown };
    pollPool: { dispatch: unknown };
  };
  pools.pollPool.dispatch = answer(200, consumeAnswer);
  pools.pool.dispatch = answer(204, null);
  return { dir, client, costs: [] };
}

async function round(client: MQClient, batches: number): Promise<number> {
  // The runner passes its stop signal to every poll: so does this loop.
  const stop = new AbortController();
  const loop = async (): Promise<void> => {
    for (let i = 0; i < batches / LOOPS; i++) {
      const messages = await client.consume('bench', 'GID_bench', {
        numOfMessages: BATCH,
        waitSeconds: 3,
        signal: stop.signal,
      });
      await client.ack(
        'bench',
        'GID_bench',
        messages.map((m) => m.receiptHandle),
      );
    }
  };
  const start = process.cpuUsage();
  const loops: Promise<void>[] = [];
  for (let l = 0; l < LOOPS; l++) loops.push(loop());
  await Promise.all(loops);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (batches * BATCH);
}

async function main(): Promise<void> {
  const [roundsArg, batchesArg, ...others] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 7);
  const batches = Number(batchesArg ?? 8_000);
  const body = FULL_CONFIG.body;
  const builds = [await load(distFile(''), body)];
  for (const dir of others) builds.push(await load(dir, body));
  await measureBuildsInTurns(
    builds,
    rounds,
    (b) => round(b.client, 4_000), // warm-up (JIT)
    (b) => round(b.client, batches),
    `client JS per message, consume of ${BATCH} + ack of ${BATCH} (no sockets), ${rounds} rounds × ${batches} batches`,
  );
}

runTool(main);
