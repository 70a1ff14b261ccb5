import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkSnippets,
  createSnippetProject,
  extractTsBlocks,
  type Snippet,
} from './readme-snippets.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README.md TypeScript blocks', () => {
  let project: ReturnType<typeof createSnippetProject>;
  beforeAll(() => {
    // dist is built by `npm test`'s pretest; the snippets import the package as users do.
    expect(existsSync(join(ROOT, 'dist', 'lib', 'index.d.ts'))).toBe(true);
    project = createSnippetProject(ROOT);
  });
  afterAll(() => project?.dispose());

  it('finds the blocks (each fenced as ts)', () => {
    const snippets = extractTsBlocks(README);
    expect(snippets.length).toBeGreaterThanOrEqual(15);
    // Every snippet is a whole module that imports what it uses from the package.
    for (const snippet of snippets) {
      expect({ line: snippet.line, imports: /^import /m.test(snippet.code) }).toEqual({
        line: snippet.line,
        imports: true,
      });
    }
  });

  it('every block compiles against the built package', () => {
    const problems = checkSnippets(project.dir, extractTsBlocks(README));
    expect(problems.map((p) => `README.md:${p.line}: ${p.message}`)).toEqual([]);
  }, 60_000);

  it('a broken block is reported with its README line', () => {
    const broken: Snippet[] = [
      {
        line: 100,
        code: [
          "import { MQModule } from 'nestjs-aliyun-mq';",
          "MQModule.forRoot({ endpoint: 'http://x', accessKeyId: 'a', accessKeySecret: 's', batchSize: 4 });",
          "import { startEmulator } from 'nestjs-aliyun-mq/emulator';",
          'void startEmulator({ clock: "sundial" });',
          '',
        ].join('\n'),
      },
    ];
    const problems = checkSnippets(project.dir, broken);
    expect(problems.map((p) => p.line)).toEqual([101, 103]);
    expect(problems[0]!.message).toContain('batchSize');
    expect(problems[1]!.message).toContain('sundial');
  }, 60_000);
});
