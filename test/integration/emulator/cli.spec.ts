/**
 * The `aliyun-mq-emulator` CLI as a child process, from the compiled dist/ (npm test builds first;
 * run `npx tsc -p tsconfig.build.json` before running this file alone).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import MQ from '@aliyunmq/mq-http-sdk';

const MAIN = resolve('dist/lib/emulator/cli/main.js');

interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[]): Cli {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.build.json)`);
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits (event-driven, no sleep) until stdout matches; fails if the CLI exits first. */
async function untilStdout(cli: Cli, pattern: RegExp): Promise<void> {
  while (!pattern.test(cli.stdout())) {
    const outcome = await Promise.race([
      cli.exited.then((e) => e),
      new Promise<undefined>((done) => cli.child.stdout!.once('data', () => done(undefined))),
    ]);
    if (outcome !== undefined) {
      throw new Error(`CLI exited early (${outcome.code}): ${cli.stderr()}`);
    }
  }
}

/** Waits until the banner has printed its export lines; returns them as a map. */
async function bannerExports(cli: Cli): Promise<Record<string, string>> {
  await untilStdout(cli, /export MQ_INSTANCE_ID=.*\n/);
  const exports: Record<string, string> = {};
  for (const match of cli.stdout().matchAll(/^export (MQ_[A-Z_]+)=(.*)$/gm))
    exports[match[1]!] = match[2]!;
  return exports;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('aliyun-mq-emulator CLI', () => {
  it('keeps the shebang line in the compiled entry', () => {
    expect(readFileSync(MAIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints a banner with the real port, serves the SDK, and exits 0 on SIGTERM', async () => {
    const cli = runCli(['--port', '0', '--clock', 'virtual']);
    try {
      const env = await bannerExports(cli);
      expect(env.MQ_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.MQ_ENDPOINT).not.toMatch(/:0$/);
      expect(env).toMatchObject({
        MQ_ACCESS_KEY_ID: 'emulator',
        MQ_ACCESS_KEY_SECRET: 'emulator-secret',
        MQ_INSTANCE_ID: 'MQ_INST_emulator',
      });
      expect(cli.stdout()).toContain('EMULATOR');
      expect(cli.stdout()).toContain('NOT the cloud service');

      const client = new MQ.MQClient(
        env.MQ_ENDPOINT!,
        env.MQ_ACCESS_KEY_ID!,
        env.MQ_ACCESS_KEY_SECRET!,
      );
      const published = await client
        .getProducer(env.MQ_INSTANCE_ID!, 'cli')
        .publishMessage('from the cli test');
      expect(published.code).toBe(201);
      const consumed = await client
        .getConsumer(env.MQ_INSTANCE_ID!, 'cli', 'GID_cli')
        .consumeMessage(1);
      expect(consumed.body[0]!.MessageBody).toBe('from the cli test');
      // Request lines are logged (without secrets).
      await untilStdout(cli, /\[info\] GET \/topics\/cli\/messages\?consumer=GID_cli.* 200 /);
      expect(cli.stdout()).toMatch(
        /\[info\] POST \/topics\/cli\/messages\?ns=MQ_INST_emulator 201 /,
      );
      expect(cli.stdout()).not.toContain('Authorization');
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('takes a config file, lets flags override it, and never prints a configured secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-emulator-cli-'));
    dirs.push(dir);
    const config = join(dir, 'emulator.json');
    writeFileSync(
      config,
      JSON.stringify({
        port: 1,
        autoCreate: false,
        instanceId: 'MQ_INST_cfg',
        topics: [{ name: 'declared', instanceId: 'MQ_INST_cfg' }],
        groups: [{ id: 'GID_declared', instanceId: 'MQ_INST_cfg' }],
      }),
    );
    const cli = runCli([
      '--config',
      config,
      '--port',
      '0',
      '--access-key-id',
      'me',
      '--access-key-secret',
      'my-own-secret-1',
    ]);
    try {
      const env = await bannerExports(cli);
      expect(env.MQ_INSTANCE_ID).toBe('MQ_INST_cfg');
      expect(env.MQ_ACCESS_KEY_ID).toBe('me');
      expect(cli.stdout()).not.toContain('my-own-secret-1');
      expect(cli.stdout()).toContain('only declared ones (strict)');
      const client = new MQ.MQClient(env.MQ_ENDPOINT!, 'me', 'my-own-secret-1');
      const error = await client
        .getProducer('MQ_INST_cfg', 'undeclared')
        .publishMessage('x')
        .catch((err: { Code?: string }) => err);
      expect((error as { Code?: string }).Code).toBe('TopicNotExist');
      expect((await client.getProducer('MQ_INST_cfg', 'declared').publishMessage('ok')).code).toBe(
        201,
      );
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('keeps messages in --data-dir across a SIGTERM and a restart; --quiet prints one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-emulator-cli-data-'));
    dirs.push(dir);
    const first = runCli(['--port', '0', '--data-dir', dir]);
    let env: Record<string, string>;
    try {
      env = await bannerExports(first);
      expect(first.stdout()).toContain(`durable log in ${dir}`);
      const client = new MQ.MQClient(
        env.MQ_ENDPOINT!,
        env.MQ_ACCESS_KEY_ID!,
        env.MQ_ACCESS_KEY_SECRET!,
      );
      const published = await client
        .getProducer(env.MQ_INSTANCE_ID!, 'kept')
        .publishMessage('survives');
      expect(published.code).toBe(201);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const second = runCli(['--port', '0', '--data-dir', dir, '--quiet']);
    try {
      await untilStdout(second, /listening on http:\/\/127\.0\.0\.1:\d+\n/);
      expect(second.stdout()).not.toContain('export MQ_');
      const endpoint = /listening on (http:\S+)/.exec(second.stdout())![1]!;
      const client = new MQ.MQClient(endpoint, env.MQ_ACCESS_KEY_ID!, env.MQ_ACCESS_KEY_SECRET!);
      const consumed = await client
        .getConsumer(env.MQ_INSTANCE_ID!, 'kept', 'GID_kept')
        .consumeMessage(1);
      expect(consumed.body[0]!.MessageBody).toBe('survives');
      // --quiet: no request lines either.
      expect(second.stdout().trim().split('\n')).toHaveLength(1);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it.each([
    [['--bogus'], '--bogus: unknown flag'],
    [['--port', 'abc'], '--port: expected a whole number'],
    [['--auth', 'maybe'], '--auth: expected strict or off'],
    [['--config', '/nonexistent/emulator.json'], 'emulator.json: cannot be read'],
  ])('%j exits 2 with a message naming the problem', async (args, message) => {
    const cli = runCli(args);
    expect(await cli.exited).toEqual({ code: 2, signal: null });
    expect(cli.stderr()).toContain(message);
    expect(cli.stderr()).toContain('--help');
  });

  it('prints help and version', async () => {
    const help = runCli(['--help']);
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.stdout()).toContain('Usage: aliyun-mq-emulator');
    for (const flag of [
      '--port',
      '--data-dir',
      '--config',
      '--strict',
      '--max-wait-seconds',
      '--clock',
    ]) {
      expect(help.stdout()).toContain(flag);
    }
    const version = runCli(['--version']);
    expect(await version.exited).toEqual({ code: 0, signal: null });
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version.stdout().trim()).toBe(pkg.version);
  });
});
