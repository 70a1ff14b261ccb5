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

/**
 * `document` with the section `id` replaced by `block` (which carries its own markers); a section
 * not there yet goes before the hand-written notes, or at the end.
 */
export function spliceSection(document: string, id: string, block: string): string {
  const pattern = new RegExp(`<!-- section:${id} -->[\\s\\S]*?<!-- /section:${id} -->`);
  if (pattern.test(document)) return document.replace(pattern, () => block);
  const at = document.indexOf(NOTES_MARKER);
  if (at === -1) return `${document.trimEnd()}\n\n${block}\n`;
  return `${document.slice(0, at)}${block}\n\n${document.slice(at)}`;
}
