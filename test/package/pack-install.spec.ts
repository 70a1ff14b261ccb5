import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixture', 'app.ts.txt');
/** Peers a user's app has anyway; linked from this repository instead of downloaded. */
const PEERS = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/testing',
  'reflect-metadata',
  'rxjs',
  '@types/node',
];

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return result;
}

function expectSuccess(result: SpawnSyncReturns<string>, what: string): void {
  const output = `${what}\n${result.stdout}\n${result.stderr}`;
  expect({ status: result.status, output }).toEqual({ status: 0, output });
}

interface PackedFile {
  path: string;
}

describe('npm pack → install in a fresh project → type-check and run', () => {
  let work: string;
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    // dist is built by `npm test`'s pretest; pack publishes it as it is.
    expect(existsSync(join(ROOT, 'dist', 'lib', 'index.js'))).toBe(true);
    work = mkdtempSync(join(tmpdir(), 'pack-install-'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    expectSuccess(packed, 'npm pack');
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: PackedFile[] }];
    tarball = join(work, info.filename);
    files = info.files.map((f) => f.path).sort();
  }, 120_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('holds only compiled JS, types, the bin, the RocketMQ 5 protocol files, README, LICENSE and package.json', () => {
    const unexpected = files.filter(
      (f) =>
        !/^dist\/lib\/.+\.(js|d\.ts)$/.test(f) &&
        // Vendored apache/rocketmq-apis definitions, loaded at run time, with their NOTICE.
        !/^dist\/lib\/protocol-grpc\/proto\/(NOTICE|apache\/rocketmq\/v2\/[a-z]+\.proto)$/.test(
          f,
        ) &&
        !['README.md', 'LICENSE', 'package.json'].includes(f),
    );
    expect(unexpected).toEqual([]);
    for (const needed of [
      'README.md',
      'LICENSE',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/client/index.js',
      'dist/lib/emulator/index.js',
      'dist/lib/testing/index.js',
      'dist/lib/emulator/cli/main.js',
      'dist/lib/protocol-grpc/proto/NOTICE',
      'dist/lib/protocol-grpc/proto/apache/rocketmq/v2/service.proto',
      'dist/lib/protocol-grpc/proto/apache/rocketmq/v2/definition.proto',
    ]) {
      expect(files).toContain(needed);
    }
    // A compiled file without a source is a leftover of a deleted module: it would ship.
    const stale = files
      .filter((f) => f.startsWith('dist/lib/'))
      .map((f) => f.replace(/^dist\//, '').replace(/(\.d\.ts|\.js)$/, '.ts'))
      .filter((source) => !existsSync(join(ROOT, source)));
    // In a working tree this means dist/ outlived a rename: `rm -rf dist && npm run build`.
    expect({ staleCompiledFiles: stale }).toEqual({ staleCompiledFiles: [] });
  });

  it('installs, type-checks and runs a Nest app using all four entry points', () => {
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'pack-install-app', private: true, type: 'module' }),
    );
    // Peers are linked below rather than fetched; the package's own dependencies come from the npm cache.
    const install = run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--legacy-peer-deps',
        '--ignore-scripts',
        tarball,
      ],
      app,
    );
    expectSuccess(install, 'npm install <tarball>');
    for (const peer of PEERS) {
      const link = join(app, 'node_modules', peer);
      // A dependency may bring one of them itself (protobufjs depends on @types/node).
      if (existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', peer), link, 'dir');
    }

    // The bin is installed and runs.
    const bin = run(join(app, 'node_modules', '.bin', 'aliyun-mq-emulator'), ['--version'], app);
    expectSuccess(bin, 'aliyun-mq-emulator --version');

    copyFileSync(FIXTURE, join(app, 'app.ts'));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          types: ['node'],
          // Checks the package's declaration files too, as a strict user project would.
          skipLibCheck: false,
          outDir: 'out',
        },
        files: ['app.ts'],
      }),
    );
    const tsc = run(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app],
      app,
    );
    expectSuccess(tsc, 'tsc (NodeNext, through the exports map)');

    const started = run(process.execPath, [join(app, 'out', 'app.js')], app);
    expectSuccess(started, 'node out/app.js');
    expect(started.stdout).toContain('round trip ok');
    // It used the installed copy (a real directory from the tarball), not a link to this repository.
    const installed = join(app, 'node_modules', 'nestjs-aliyun-mq');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(existsSync(join(installed, 'lib'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
  }, 180_000);
});
