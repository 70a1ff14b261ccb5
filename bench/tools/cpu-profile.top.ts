/**
 * Where the time goes in a `node --cpu-prof` profile: self time per function and per source file
 * (node_modules packages grouped by package). Usage:
 *   node dist/bench/tools/cpu-profile.top.js <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** `node_modules/<pkg>` (scoped too), our own `lib/<area>`, `bench/`, or node internals. */
function fileGroup(url: string): string {
  if (url === '') return '(native / runtime)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return `pkg ${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) return 'node internals';
  const lib = /\/dist\/(lib\/[^/]+|bench)\//.exec(url);
  if (lib?.[1] !== undefined) return lib[1];
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist !== -1 ? url.slice(dist + '/dist/'.length) : url;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: cpu-profile.top.js <file.cpuprofile> [top]');
  const top = topArg === undefined ? 25 : Number(topArg);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const group = frame.url === '' ? `(${frame.functionName || 'native'})` : fileGroup(frame.url);
    byGroup.set(group, (byGroup.get(group) ?? 0) + us);
  }
  const print = (title: string, map: Map<string, number>): void => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(
        `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`,
      );
    }
  };
  process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms profiled\n`);
  print('Self time by file group', byGroup);
  print('Self time by function', byFunction);
}

main();
