/**
 * Sections of BENCHMARKS.md written by tools other than `npm run bench` (e.g. `npm run chaos`):
 * each sits between `<!-- section:<id> -->` and `<!-- /section:<id> -->`. `npm run bench` keeps
 * them as they are; their own tool replaces just its block.
 */
import { NOTES_MARKER } from './benchmarks.document.js';

const BLOCK = /<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->/g;

/** Every marked section of `existing`, in document order. */
export function keptSections(existing: string | undefined): string[] {
  return existing === undefined ? [] : [...existing.matchAll(BLOCK)].map((m) => m[0]);
}

/** Where `npm run bench` puts the kept sections: after the results, before the method. */
const METHOD_HEADING = '## Method';

/**
 * `document` with the section `id` replaced by `block` (which carries its own markers); a section
 * not there yet goes after the last kept section, or before the method, or before the
 * hand-written notes, or at the end.
 */
export function spliceSection(document: string, id: string, block: string): string {
  const pattern = new RegExp(`<!-- section:${id} -->[\\s\\S]*?<!-- /section:${id} -->`);
  if (pattern.test(document)) return document.replace(pattern, () => block);
  const kept = [...document.matchAll(BLOCK)].at(-1);
  if (kept?.index !== undefined) {
    const end = kept.index + kept[0].length;
    return `${document.slice(0, end)}\n\n${block}${document.slice(end)}`;
  }
  for (const anchor of [`\n${METHOD_HEADING}\n`, NOTES_MARKER]) {
    const at = document.indexOf(anchor);
    if (at !== -1) {
      const start = anchor === NOTES_MARKER ? at : at + 1;
      return `${document.slice(0, start)}${block}\n\n${document.slice(start)}`;
    }
  }
  return `${document.trimEnd()}\n\n${block}\n`;
}
