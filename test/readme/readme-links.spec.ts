import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** Markdown without its code blocks (a `#` in a shell block is not a heading). */
const PROSE = README.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('README.md links', () => {
  const links = [...PROSE.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);

  it('every #anchor names a heading', () => {
    const anchors = new Set([...PROSE.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
    const internal = links.filter((l) => l.startsWith('#')).map((l) => l.slice(1));
    expect(internal.length).toBeGreaterThan(20);
    expect(internal.filter((a) => !anchors.has(a))).toEqual([]);
  });

  it('every relative link points at a file of the repository', () => {
    const relative = links.filter((l) => !l.startsWith('#') && !/^[a-z]+:/.test(l));
    expect(relative.length).toBeGreaterThan(0);
    expect(relative.filter((l) => !existsSync(join(ROOT, l.split('#')[0]!)))).toEqual([]);
  });
});
