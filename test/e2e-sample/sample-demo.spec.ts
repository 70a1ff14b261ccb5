import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'sample', 'main.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled sample (built by `npm test`'s pretest) as a user would: `npm run sample:demo`. */
function runDemo(limitMs: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The embedded emulator is used only without MQ_ENDPOINT: never let the test reach a real service.
  for (const key of [
    'MQ_ENDPOINT',
    'MQ_ACCESS_KEY_ID',
    'MQ_ACCESS_KEY_SECRET',
    'MQ_INSTANCE_ID',
    'MQ_TRANSPORT',
    'PORT',
    'SAMPLE_REDELIVERY_MS',
  ]) {
    delete env[key];
  }
  Object.assign(env, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, '--demo'], { cwd: ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // The demo has its own 45 s limit; this one only guards against a hung process.
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe.each(['http', 'grpc'])(
  'sample demo on %s (MQ_TRANSPORT=%s npm run sample:demo)',
  (transport) => {
    it('handles every demo message as expected and exits 0', async () => {
      expect(existsSync(MAIN)).toBe(true);
      const run = await runDemo(90_000, { MQ_TRANSPORT: transport });
      const output = `${run.stdout}\n--- stderr ---\n${run.stderr}`;
      expect({ code: run.code, signal: run.signal, output }).toEqual({
        code: 0,
        signal: null,
        output,
      });
      expect(run.stdout).toMatch(/Summary: all \d+ checks passed in \d+\.\d s/);
      expect(run.stdout).not.toContain('FAIL');
      // The account a reader sees: the emulator notice, a failed attempt and its redelivery, the checker.
      expect(run.stdout).toContain(
        transport === 'grpc'
          ? "embedded emulator's RocketMQ 5 front at 127.0.0.1:"
          : 'embedded emulator at http://127.0.0.1:',
      );
      expect(run.stdout).toMatch(
        /payments +ord-[0-9a-f]{4}-\d+ +gateway timed out .*\(attempt 1\)/,
      );
      expect(run.stdout).toMatch(
        /payments +ord-[0-9a-f]{4}-\d+ +card charged 899\.00 .*\(attempt 2\)/,
      );
      expect(run.stdout).toMatch(/tx-checker +ord-[0-9a-f]{4}-\d+ .*-> commit/);
      expect(run.stdout).toContain('The embedded emulator stopped');
    }, 120_000);

    it('exits 1 with a clear account when the broker cannot be reached', async () => {
      // Port 1 on loopback: nothing listens there, every publish fails at once.
      const endpoint = transport === 'grpc' ? '127.0.0.1:1' : 'http://127.0.0.1:1';
      const run = await runDemo(60_000, {
        MQ_TRANSPORT: transport,
        MQ_ENDPOINT: endpoint,
        MQ_ACCESS_KEY_ID: 'demo-id',
        MQ_ACCESS_KEY_SECRET: 'demo-secret',
      });
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 1, signal: null });
      expect(run.stdout).toContain(
        `Messages go to: ${transport === 'grpc' ? 'RocketMQ 5 (gRPC)' : 'Alibaba Cloud MQ'} at ${endpoint}`,
      );
      expect(run.stdout).toMatch(/FAIL {2}the demo failed: POST \/orders answered 500/);
      expect(run.stdout).toMatch(/Summary: FAILED after \d+\.\d s/);
      expect(run.stderr).toContain('ECONNREFUSED');
      expect(`${run.stdout}${run.stderr}`).not.toContain('demo-secret');
    }, 90_000);
  },
);
