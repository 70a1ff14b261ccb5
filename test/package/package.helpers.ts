import { expect } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    // Nothing of this test process's Jest/ESM set-up leaks into the commands it runs.
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (result.error) throw result.error;
  return result;
}

export function expectSuccess(result: SpawnSyncReturns<string>, what: string): void {
  const output = `${what}\n${result.stdout}\n${result.stderr}`;
  expect({ status: result.status, output }).toEqual({ status: 0, output });
}

/**
 * A copy of the repository's sources as a fresh clone has them (tracked files, and new ones not
 * ignored, so uncommitted work is tested too), with this repository's node_modules linked in.
 */
export function freshCopy(target: string): string {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  expectSuccess(listed, 'git ls-files');
  for (const file of listed.stdout.split('\0')) {
    // A deleted file that is still in the index has nothing to copy.
    if (file === '' || !existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(target, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(target, 'node_modules'), 'dir');
  return target;
}

/** `npm install` from the cache where possible; the registry for what it lacks. */
export function npmInstall(app: string, specs: string[]): void {
  const install = run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--legacy-peer-deps',
      '--ignore-scripts',
      ...specs,
    ],
    app,
  );
  expectSuccess(install, `npm install ${specs.join(' ')}`);
}

/** Links packages a user's app has anyway from this repository instead of downloading them. */
export function linkFromRoot(app: string, names: string[]): void {
  for (const name of names) {
    const link = join(app, 'node_modules', name);
    // A dependency may bring one of them itself (protobufjs depends on @types/node).
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
}
