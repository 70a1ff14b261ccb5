/** Sections of BENCHMARKS.md written by other tools: kept by `npm run bench`, replaced by their own. */
import { describe, expect, it } from '@jest/globals';
import { NOTES_MARKER } from '../../../bench/harness/benchmarks.document.js';
import { keptSections, spliceSection } from '../../../bench/harness/kept.sections.js';

const block = (id: string, text: string) =>
  `<!-- section:${id} -->\n${text}\n<!-- /section:${id} -->`;

describe('kept sections', () => {
  it('lists every marked section in order', () => {
    const doc = `# B\n${block('reliability', 'r1')}\ntext\n${block('soak', 's1')}\n${NOTES_MARKER}\n`;
    expect(keptSections(doc)).toEqual([block('reliability', 'r1'), block('soak', 's1')]);
    expect(keptSections(undefined)).toEqual([]);
  });

  it('replaces only its own section, or inserts it before the notes', () => {
    const doc = `# B\n${block('reliability', 'old $1')}\n${block('soak', 's1')}\n${NOTES_MARKER}\nmine\n`;
    const replaced = spliceSection(doc, 'reliability', block('reliability', 'new $&'));
    expect(replaced).toBe(
      `# B\n${block('reliability', 'new $&')}\n${block('soak', 's1')}\n${NOTES_MARKER}\nmine\n`,
    );
    const fresh = spliceSection(`# B\n${NOTES_MARKER}\nmine\n`, 'soak', block('soak', 's2'));
    expect(fresh).toBe(`# B\n${block('soak', 's2')}\n\n${NOTES_MARKER}\nmine\n`);
    expect(spliceSection('# B\n', 'soak', block('soak', 's'))).toBe(
      `# B\n\n${block('soak', 's')}\n`,
    );
  });

  it('a new section goes after the kept ones, else before the method', () => {
    const results = `## Results\n\ntables\n\n`;
    const withMethod = `${results}## Method\n\nhow\n`;
    expect(spliceSection(withMethod, 'soak', block('soak', 's'))).toBe(
      `${results}${block('soak', 's')}\n\n## Method\n\nhow\n`,
    );
    const withKept = `${results}${block('a', 'x')}\n\n## Method\n`;
    expect(spliceSection(withKept, 'b', block('b', 'y'))).toBe(
      `${results}${block('a', 'x')}\n\n${block('b', 'y')}\n\n## Method\n`,
    );
  });
});
