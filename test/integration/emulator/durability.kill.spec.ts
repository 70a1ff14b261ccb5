/**
 * kill -9 of the real emulator CLI (compiled, `dist/`) in the middle of a publish load, then a
 * restart on the same --data-dir: every publish that got its 201 is still there, and no message
 * that was acked before the crash comes back. Needs `npm run build` first (`npm test` does it).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  buildPublishRequest,
  buildReceiptHandles,
  parseConsumeResponse,
  parsePublishResponse,
} from '../../../lib/protocol/index.js';

const CLI = resolve('dist/lib/emulator/cli/main.js');
const TOPIC = 'durable';
const XML = { 'content-type': 'text/xml;charset=utf-8', 'x-mq-version': '2015-06-06' };

interface Child {
  proc: ChildProcess;
  endpoint: string;
}

function startCli(dataDir: string): Promise<Child> {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run "npm run build" before this test (npm test does).`);
  }
  const proc = spawn(
    process.execPath,
    [CLI, '--port', '0', '--auth', 'off', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (m !== null) {
        proc.stdout!.off('data', onData);
        proc.stderr!.off('data', onData);
        proc.stdout!.resume();
        proc.stderr!.resume();
        resolvePromise({ proc, endpoint: m[0] });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) =>
      reject(new Error(`emulator exited (${code}) before listening:\n${output}`)),
    );
  });
}

async function publish(endpoint: string, body: string): Promise<string> {
  const res = await fetch(`${endpoint}/topics/${TOPIC}/messages`, {
    method: 'POST',
    headers: XML,
    body: buildPublishRequest({ body }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`publish: ${res.status} ${text}`);
  return parsePublishResponse(text).messageId;
}

/** Everything group can take now (no ack, so nothing is handed out twice). */
async function drain(endpoint: string, group: string): Promise<{ id: string; handle: string }[]> {
  const out: { id: string; handle: string }[] = [];
  for (;;) {
    const res = await fetch(
      `${endpoint}/topics/${TOPIC}/messages?consumer=${group}&numOfMessages=16`,
      { headers: XML },
    );
    const text = await res.text();
    if (res.status === 404 && text.includes('MessageNotExist')) return out;
    if (res.status !== 200) throw new Error(`consume: ${res.status} ${text}`);
    for (const m of parseConsumeResponse(text))
      out.push({ id: m.messageId, handle: m.receiptHandle });
  }
}

async function ack(endpoint: string, group: string, handles: string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 16) {
    const res = await fetch(`${endpoint}/topics/${TOPIC}/messages?consumer=${group}`, {
      method: 'DELETE',
      headers: XML,
      body: buildReceiptHandles(handles.slice(i, i + 16)),
    });
    if (res.status !== 204) throw new Error(`ack: ${res.status} ${await res.text()}`);
  }
}

function killed(proc: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) r();
    else proc.once('exit', () => r());
  });
}

describe('emulator CLI survives kill -9 with its --data-dir', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mq-kill9-'));
  });
  afterEach(async () => {
    for (const p of children.splice(0)) {
      p.kill('SIGKILL');
      await killed(p);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged publish and never resurrects an acked message', async () => {
    const first = await startCli(dir);
    children.push(first.proc);

    // Before the load: 40 messages, group G acks the first 20.
    const early: string[] = [];
    for (let i = 0; i < 40; i++) early.push(await publish(first.endpoint, `early-${i}`));
    const taken = await drain(first.endpoint, 'G');
    expect(taken.map((t) => t.id)).toEqual(early);
    const ackedIds = new Set(taken.slice(0, 20).map((t) => t.id));
    await ack(
      first.endpoint,
      'G',
      taken.slice(0, 20).map((t) => t.handle),
    );

    // The load: 8 concurrent publishers; kill -9 once 400 publishes were answered 201.
    const acknowledged: string[] = [];
    let stop = false;
    let killedAt = -1;
    const publisher = async (n: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        try {
          acknowledged.push(await publish(first.endpoint, `load-${n}-${i}`));
        } catch {
          return; // the connection died with the process
        }
        if (acknowledged.length >= 400 && killedAt < 0) {
          killedAt = acknowledged.length;
          first.proc.kill('SIGKILL');
          stop = true;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => publisher(n)));
    await killed(first.proc);
    expect(first.proc.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    const second = await startCli(dir);
    children.push(second.proc);
    // G: nothing it acked, everything else (its 20 unacked ones come back after their 300 s
    // invisibility, so they are not in a drain now; they were in flight, which the log kept).
    const gIds = new Set((await drain(second.endpoint, 'G')).map((t) => t.id));
    for (const id of ackedIds) expect(gIds.has(id)).toBe(false);
    for (const id of taken.slice(20).map((t) => t.id)) expect(gIds.has(id)).toBe(false);
    const missingForG = acknowledged.filter((id) => !gIds.has(id));
    expect(missingForG).toEqual([]);
    // A new group starts from every retained message: all acknowledged publishes are there.
    const fresh = new Set((await drain(second.endpoint, 'FRESH')).map((t) => t.id));
    expect([...early, ...acknowledged].filter((id) => !fresh.has(id))).toEqual([]);
  }, 60_000);
});

describe('data directory lock', () => {
  it('refuses a second emulator on a directory in use, and takes over after kill -9', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-lock-'));
    const first = await startCli(dir);
    try {
      await expect(startCli(dir)).rejects.toThrow(/in use by another emulator \(pid \d+\)/);
      first.proc.kill('SIGKILL');
      await killed(first.proc);
      const second = await startCli(dir);
      second.proc.kill('SIGKILL');
      await killed(second.proc);
    } finally {
      first.proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
