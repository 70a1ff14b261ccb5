import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'sample', 'main.js');
const README = join(ROOT, 'README.md');
/** Starts every ANSI colour (escape) sequence. */
const ESC = String.fromCharCode(0x1b);

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
    // Colours must be off because stdout is a pipe, not because of NO_COLOR.
    'NO_COLOR',
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
      // Piped output (not a TTY): no ANSI colour codes.
      expect(`${run.stdout}${run.stderr}`).not.toContain(ESC);
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
      // Not an aliyuncs.com host: the start-up line does not call it Alibaba Cloud MQ.
      expect(run.stdout).toContain(
        `Messages go to: the ${transport === 'grpc' ? 'RocketMQ 5' : 'MQ'} endpoint ${endpoint} (MQ_ENDPOINT; not an Alibaba Cloud host`,
      );
      expect(run.stdout).toMatch(/FAIL {2}the demo failed: POST \/orders answered 500/);
      expect(run.stdout).toMatch(/Summary: FAILED after \d+\.\d s/);
      expect(run.stderr).toContain('ECONNREFUSED');
      // Nest's logger printed those errors, without colours into a pipe.
      expect(`${run.stdout}${run.stderr}`).not.toContain(ESC);
      expect(`${run.stdout}${run.stderr}`).not.toContain('demo-secret');
    }, 90_000);
  },
);

describe('sample demo against a standalone emulator', () => {
  it("runs against a standalone emulator started as README says, in about the embedded demo's time", async () => {
    // The README's commands, as a reader copies them.
    const block =
      /```bash\nnode (dist\/lib\/emulator\/cli\/main\.js)((?: --[a-z-]+ \d+)+)\n#[^\n]*\nSAMPLE_REDELIVERY_MS=(\d+) npm run sample:demo\n```/.exec(
        readFileSync(README, 'utf8'),
      );
    expect(block).not.toBeNull();
    const [, cli, flags, redelivery] = block!;
    const emulator = spawn(
      process.execPath,
      [join(ROOT, cli!), '--port', '0', ...flags!.trim().split(' ')],
      { cwd: ROOT, stdio: 'pipe' },
    );
    try {
      let banner = '';
      emulator.stdout.setEncoding('utf8');
      const exports = await new Promise<Record<string, string>>((resolve, reject) => {
        emulator.on('exit', (code) =>
          reject(new Error(`the emulator exited (${code}): ${banner}`)),
        );
        emulator.stdout.on('data', (chunk: string) => {
          banner += chunk;
          const lines = [...banner.matchAll(/^export (MQ_[A-Z_]+)=(\S+)$/gm)];
          if (lines.length === 4) resolve(Object.fromEntries(lines.map((l) => [l[1], l[2]])));
        });
      });
      // About 11 s expected; the cloud's 60 s orderly window would take over a minute.
      const run = await runDemo(40_000, { ...exports, SAMPLE_REDELIVERY_MS: redelivery });
      const output = `${run.stdout}\n--- stderr ---\n${run.stderr}`;
      expect({ code: run.code, signal: run.signal, output }).toEqual({
        code: 0,
        signal: null,
        output,
      });
      expect(run.stdout).toContain(
        `Messages go to: the MQ endpoint ${exports.MQ_ENDPOINT}, instance MQ_INST_emulator (MQ_ENDPOINT; not an Alibaba Cloud host: a standalone emulator?), redelivery expected after 3 s (SAMPLE_REDELIVERY_MS)`,
      );
      expect(run.stdout).toMatch(/Summary: all \d+ checks passed in \d+\.\d s/);
    } finally {
      emulator.kill('SIGTERM');
    }
  }, 60_000);
});
