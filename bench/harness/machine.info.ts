/** What the numbers were measured on, printed with every report. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { repoRoot } from './repo-root.js';

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryGiB: number;
  os: string;
  node: string;
  commit: string;
  /** 1-minute load average when the run started: other tenants of a shared machine show up here. */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    commit: gitCommit(),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** Short HEAD commit, with `+dirty` when tracked files differ from it. */
function gitCommit(): string {
  const git = (args: string[]): string =>
    execFileSync('git', args, {
      cwd: repoRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const head = git(['rev-parse', '--short=10', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
