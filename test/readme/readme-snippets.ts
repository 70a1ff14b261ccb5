/**
 * Extracts the TypeScript blocks of README.md and type-checks them against the built package, in a
 * temporary project where `nestjs-aliyun-mq` resolves through its `exports` map (as in a user's
 * app) and every other import resolves to this repository's node_modules.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

export interface Snippet {
  /** 1-based line of README.md where the code starts (the line after the fence). */
  line: number;
  code: string;
}

export interface SnippetProblem {
  /** README.md line, or 0 when the diagnostic has no position. */
  line: number;
  message: string;
}

/** Every ```ts / ```typescript block, with the README line it starts on. */
export function extractTsBlocks(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`README.md:${i + 1}: unclosed code block`);
    snippets.push({ line: start + 1, code: lines.slice(start, end).join('\n') + '\n' });
    i = end;
  }
  return snippets;
}

/**
 * A temporary ESM project: node_modules holds links to the repository's packages and
 * `nestjs-aliyun-mq` links to the repository itself (so its `exports` map and `dist` are used).
 */
export function createSnippetProject(repoRoot: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'readme-snippets-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry.startsWith('.')) continue;
    symlinkSync(join(repoRoot, 'node_modules', entry), join(modules, entry), 'dir');
  }
  symlinkSync(repoRoot, join(modules, 'nestjs-aliyun-mq'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
  esModuleInterop: true,
  // The package's declarations are checked by the package test; here only the snippets matter.
  skipLibCheck: true,
  noEmit: true,
};

/** Type-checks each snippet as its own module; returns the problems with README line numbers. */
export function checkSnippets(projectDir: string, snippets: readonly Snippet[]): SnippetProblem[] {
  const files = snippets.map((snippet, i) => {
    const file = join(projectDir, `snippet-${String(i + 1).padStart(2, '0')}.ts`);
    writeFileSync(file, snippet.code);
    return { file, snippet };
  });
  const program = ts.createProgram(
    files.map((f) => f.file),
    { ...COMPILER_OPTIONS, typeRoots: [join(projectDir, 'node_modules', '@types')] },
  );
  const problems: SnippetProblem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const owner = files.find((f) => f.file === diagnostic.file?.fileName);
    if (owner === undefined || diagnostic.start === undefined) {
      problems.push({ line: 0, message: `${diagnostic.file?.fileName ?? 'global'}: ${message}` });
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({ line: owner.snippet.line + line, message });
  }
  return problems;
}
