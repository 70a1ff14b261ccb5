/**
 * The package as users get it: packed from a fresh copy of the sources (no dist/: `prepack`
 * builds), installed from the tarball into new projects: an ESM app (NodeNext) and a Nest 11
 * CommonJS app with the Nest starter's Jest set-up (ts-jest, CommonJS).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expectSuccess,
  freshCopy,
  linkFromRoot,
  npmInstall,
  ROOT,
  run,
} from './package.helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixture');
/**
 * Peers a user's app has anyway (and the optional `@nestjs/terminus`, for `./terminus`); linked
 * from this repository instead of downloaded. Not `@opentelemetry/api`: the apps have no
 * OpenTelemetry package at all, and run.
 */
const PEERS = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/terminus',
  '@nestjs/testing',
  'reflect-metadata',
  'rxjs',
  '@types/node',
];
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface PackedFile {
  path: string;
}

type Conditions = Record<'import' | 'require', { types: string; default: string }>;

describe('npm pack from a fresh copy → install in new projects', () => {
  let work: string;
  let tarball: string;
  let files: string[];
  let exportsMap: Record<string, Conditions | string>;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'pack-install-'));
    // What a fresh clone has: the sources, no dist/. `npm pack` must build it (prepack).
    const clone = freshCopy(join(work, 'clone'));
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], clone);
    expectSuccess(packed, 'npm pack');
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
      { filename: string; files: PackedFile[] },
    ];
    tarball = join(work, info.filename);
    files = info.files.map((f) => f.path).sort();
    exportsMap = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).exports;
  }, 360_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('holds the ES module and CommonJS builds, their types, assets (console files, RocketMQ 5 protocol files), the bin, README, LICENSE', () => {
    // Assets are copied verbatim from lib/ by both builds (the vendored apache/rocketmq-apis
    // definitions with their NOTICE, the console's files).
    const asset = (f: string): boolean => {
      const source = /^dist\/(?:cjs\/)?(lib\/.+)$/.exec(f)?.[1];
      return source !== undefined && existsSync(join(ROOT, source));
    };
    const unexpected = files.filter(
      (f) =>
        !asset(f) &&
        !/^dist\/(lib|cjs\/lib)\/.+\.(js|d\.ts)$/.test(f) &&
        !/^dist\/cjs\/[a-z-]+\.js$/.test(f) &&
        !['README.md', 'LICENSE', 'package.json', 'dist/cjs/package.json'].includes(f),
    );
    expect(unexpected).toEqual([]);
    for (const needed of [
      'README.md',
      'LICENSE',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/emulator/cli/main.js',
      'dist/cjs/package.json',
      'dist/cjs/lib/index.js',
      'dist/lib/emulator/console/ui/index.html',
      'dist/lib/emulator/console/ui/console.app.js',
      'dist/lib/protocol-grpc/proto/NOTICE',
      'dist/lib/protocol-grpc/proto/apache/rocketmq/v2/service.proto',
      'dist/lib/protocol-grpc/proto/apache/rocketmq/v2/definition.proto',
      // The CommonJS build finds them next to its own files.
      'dist/cjs/lib/protocol-grpc/proto/apache/rocketmq/v2/service.proto',
    ]) {
      expect(files).toContain(needed);
    }
  });

  it('every subpath of the exports map has an import and a require entry, with types, in the tarball', () => {
    const subpaths = Object.keys(exportsMap).filter((s) => s !== './package.json');
    expect(subpaths).toEqual(
      expect.arrayContaining(['.', './client', './emulator', './testing', './terminus']),
    );
    for (const subpath of subpaths) {
      const conditions = exportsMap[subpath] as Conditions;
      for (const condition of ['import', 'require'] as const) {
        for (const file of [conditions[condition].types, conditions[condition].default]) {
          expect({ subpath, condition, file, packed: files.includes(file.slice(2)) }).toEqual({
            subpath,
            condition,
            file,
            packed: true,
          });
        }
      }
    }
  });

  it('an ESM app: installs, type-checks (NodeNext) and runs using all five entry points, without OpenTelemetry', () => {
    const app = join(work, 'esm-app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'pack-install-app', private: true, type: 'module' }),
    );
    // Peers are linked below rather than fetched; the package's own dependencies come from the npm cache.
    npmInstall(app, [tarball]);
    // Optional peers are not installed: the app has no OpenTelemetry package at all.
    expect(existsSync(join(app, 'node_modules', '@opentelemetry'))).toBe(false);
    linkFromRoot(app, PEERS);

    // The bin is installed and runs.
    const bin = run(join(app, 'node_modules', '.bin', 'aliyun-mq-emulator'), ['--version'], app);
    expectSuccess(bin, 'aliyun-mq-emulator --version');

    copyFileSync(join(FIXTURES, 'esm-app.ts.txt'), join(app, 'app.ts'));
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
    expectSuccess(run(process.execPath, [TSC, '-p', app], app), 'tsc (NodeNext)');

    const started = run(process.execPath, [join(app, 'out', 'app.js')], app);
    expectSuccess(started, 'node out/app.js');
    expect(started.stdout).toContain('round trip ok');
    // It used the installed copy (a real directory from the tarball), not a link to this repository.
    const installed = join(app, 'node_modules', 'nestjs-aliyun-mq');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(existsSync(join(installed, 'lib'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
  }, 360_000);

  it('a Nest 11 CommonJS app: type-checks, its ts-jest (CommonJS) test passes, and it runs', () => {
    const app = join(work, 'nest11-cjs-app');
    const src = join(app, 'src');
    mkdirSync(src, { recursive: true });
    const fixture = join(FIXTURES, 'nest11-cjs');
    // The Nest 11 starter's package.json (no "type": CommonJS) and its Jest configuration.
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'nest11-cjs-app',
        private: true,
        jest: {
          moduleFileExtensions: ['js', 'json', 'ts'],
          rootDir: 'src',
          testRegex: '.*\\.spec\\.ts$',
          transform: { '^.+\\.(t|j)s$': 'ts-jest' },
          testEnvironment: 'node',
        },
      }),
    );
    copyFileSync(join(fixture, 'tsconfig.json.txt'), join(app, 'tsconfig.json'));
    copyFileSync(join(fixture, 'tsconfig.build.json.txt'), join(app, 'tsconfig.build.json'));
    for (const name of ['main.ts', 'orders.ts', 'orders.spec.ts']) {
      copyFileSync(join(fixture, `${name}.txt`), join(src, name));
    }
    // Nest 11 from the registry (this repository has Nest 12); Jest 30, ts-jest 29 and
    // TypeScript 5.9 (what the Nest 11 starter resolves to) are linked from this repository.
    npmInstall(app, [
      tarball,
      '@nestjs/common@^11',
      '@nestjs/core@^11',
      '@nestjs/testing@^11',
      '@nestjs/terminus@^11',
      '@types/jest@^30',
    ]);
    linkFromRoot(app, ['reflect-metadata', 'rxjs', '@types/node', 'jest', 'ts-jest', 'typescript']);
    const nestVersion = JSON.parse(
      readFileSync(join(app, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8'),
    ).version as string;
    expect(nestVersion).toMatch(/^11\./);
    const terminusVersion = JSON.parse(
      readFileSync(join(app, 'node_modules', '@nestjs', 'terminus', 'package.json'), 'utf8'),
    ).version as string;
    expect(terminusVersion).toMatch(/^11\./);
    expect(existsSync(join(app, 'node_modules', '@opentelemetry'))).toBe(false);

    // The starter's build (tsconfig nodenext) type-checks and compiles the app; the tests are
    // type-checked under node16 too (TypeScript < 5.8 cannot require() ES module types: the
    // require condition's types must be CommonJS) and node10 (subpaths through typesVersions,
    // for projects still on "module": "commonjs").
    const tsc = (args: string[], what: string) =>
      expectSuccess(run(process.execPath, [TSC, ...args], app), what);
    tsc(['-p', join(app, 'tsconfig.build.json')], 'tsc build (nodenext)');
    tsc(['--noEmit', '-p', app, '--module', 'node16', '--moduleResolution', 'node16'], 'node16');
    tsc(
      [
        ...['--noEmit', '-p', app, '--module', 'commonjs', '--moduleResolution', 'node10'],
        ...['--resolvePackageJsonExports', 'false'],
      ],
      'tsc (node10)',
    );

    const jest = run(
      process.execPath,
      [join(app, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'],
      app,
    );
    expectSuccess(jest, 'jest (ts-jest, CommonJS)');
    expect(jest.stderr).toMatch(/Tests:\s+5 passed, 5 total/);

    const started = run(process.execPath, [join(app, 'dist', 'main.js')], app);
    expectSuccess(started, 'node dist/main.js');
    expect(started.stdout).toContain('commonjs app ok');
  }, 360_000);
});
