/**
 * kill -9 of the real emulator CLI (compiled, `dist/`) started with `--grpc-port`, in the middle of a
 * gRPC send load, then a restart on the same --data-dir: every SendMessage answered OK is still
 * there, under the producer's message id, and what was acked over gRPC does not come back.
 * Needs `npm run build` first (`npm test` does it).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { msToDuration } from '../../../lib/protocol-grpc/index.js';
import { RawGrpc, receiveResult } from './grpc-raw.helper.js';

const CLI = resolve('dist/lib/emulator/cli/main.js');

interface Child {
  proc: ChildProcess;
  grpcEndpoint: string;
  banner: string;
}

function startCli(dataDir: string): Promise<Child> {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run "npm run build" before this test (npm test does).`);
  }
  const proc = spawn(
    process.execPath,
    [
      CLI,
      '--port',
      '0',
      '--grpc-port',
      '0',
      '--auth',
      'off',
      '--data-dir',
      dataDir,
      '--instance-id',
      '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /gRPC endpoint\s+(127\.0\.0\.1:\d+)/.exec(output);
      if (m !== null && output.includes('Press Ctrl+C')) {
        proc.stdout!.off('data', onData);
        proc.stdout!.resume();
        proc.stderr!.resume();
        resolvePromise({ proc, grpcEndpoint: m[1]!, banner: output });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) =>
      reject(new Error(`emulator exited (${code}) before listening:\n${output}`)),
    );
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) r();
    else proc.once('exit', () => r());
  });
}

const receiveRequest = (group: string) => ({
  group: { name: group },
  messageQueue: { topic: { name: 'durable' }, id: 0 },
  filterExpression: { type: 'TAG', expression: '*' },
  batchSize: 16,
  invisibleDuration: msToDuration(300_000),
  longPollingTimeout: msToDuration(0),
});

/** Everything the group can take now (not acked, so nothing is handed out twice). */
async function drain(grpc: RawGrpc, group: string): Promise<{ id: string; handle: string }[]> {
  const out: { id: string; handle: string }[] = [];
  for (;;) {
    const { status, messages } = receiveResult(await grpc.receive(receiveRequest(group)));
    if (status.code === 'MESSAGE_NOT_FOUND') return out;
    if (status.code !== 'OK') throw new Error(`receive: ${JSON.stringify(status)}`);
    for (const m of messages)
      out.push({ id: m.systemProperties.messageId, handle: m.systemProperties.receiptHandle });
  }
}

describe('emulator CLI with --grpc-port survives kill -9 with its --data-dir', () => {
  const children: ChildProcess[] = [];
  const clients: RawGrpc[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const p of children.splice(0)) {
      p.kill('SIGKILL');
      await exited(p);
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every send answered OK and never resurrects a message acked over gRPC', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mq-grpc-kill9-'));
    const first = await startCli(dir);
    children.push(first.proc);
    expect(first.banner).toContain(`export MQ_GRPC_ENDPOINT=${first.grpcEndpoint}`);
    const grpc = new RawGrpc(first.grpcEndpoint);
    clients.push(grpc);
    const send = async (id: string): Promise<void> => {
      const res = await grpc.unary('SendMessage', {
        messages: [
          {
            topic: { name: 'durable' },
            body: Buffer.from(id),
            systemProperties: { messageId: id },
          },
        ],
      });
      if (res.status.code !== 'OK') throw new Error(JSON.stringify(res.status));
    };

    for (let i = 0; i < 20; i++) await send(`EARLY_${i}`);
    const taken = await drain(grpc, 'G');
    const acked = taken.slice(0, 10);
    const ack = await grpc.unary('AckMessage', {
      group: { name: 'G' },
      topic: { name: 'durable' },
      entries: acked.map((t) => ({ messageId: t.id, receiptHandle: t.handle })),
    });
    expect(ack.status.code).toBe('OK');

    const answered: string[] = [];
    let stop = false;
    const producer = async (n: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const id = `LOAD_${n}_${i}`;
        try {
          await send(id);
        } catch {
          return; // the connection died with the process
        }
        answered.push(id);
        if (answered.length >= 200 && !stop) {
          stop = true;
          first.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => producer(n)));
    await exited(first.proc);
    expect(first.proc.signalCode).toBe('SIGKILL');

    const second = await startCli(dir);
    children.push(second.proc);
    const again = new RawGrpc(second.grpcEndpoint);
    clients.push(again);
    const forG = new Set((await drain(again, 'G')).map((t) => t.id));
    for (const t of taken) expect(forG.has(t.id)).toBe(false); // acked, or still in flight
    expect(answered.filter((id) => !forG.has(id))).toEqual([]);
    const fresh = new Set((await drain(again, 'FRESH')).map((t) => t.id));
    expect([...taken.map((t) => t.id), ...answered].filter((id) => !fresh.has(id))).toEqual([]);
  }, 60_000);
});
