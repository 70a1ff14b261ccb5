/**
 * CPU time and resident memory of another process, read from /proc (Linux). The servers run as
 * children, so `process.cpuUsage()` cannot see them; utime+stime of /proc/<pid>/stat can.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of utime/stime (100 on practically every Linux). */
export function clockTicks(): number {
  if (ticksPerSecond !== undefined) return ticksPerSecond;
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** User + system CPU time of a process in ms. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are indexes 11 and 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicks();
}

/** Resident set size of a process in bytes (VmRSS). */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`bench: no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Measures the CPU of this process and of the given server processes over one interval. */
export class CpuMeter {
  private readonly startWall = performance.now();
  private readonly startSelf = process.cpuUsage();
  private readonly startChildren: number[];

  constructor(private readonly pids: readonly number[]) {
    this.startChildren = pids.map(processCpuMs);
  }

  /** CPU use since construction, as % of one core: { bench, servers[i] }. */
  read(): { wallMs: number; benchPct: number; serverPct: number[] } {
    const wallMs = performance.now() - this.startWall;
    const self = process.cpuUsage(this.startSelf);
    const benchMs = (self.user + self.system) / 1000;
    return {
      wallMs,
      benchPct: (benchMs / wallMs) * 100,
      serverPct: this.pids.map(
        (pid, i) => ((processCpuMs(pid) - (this.startChildren[i] ?? 0)) / wallMs) * 100,
      ),
    };
  }
}

/** Open file descriptors of a process (sockets included): proves that connections really arrived. */
export function processOpenFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
