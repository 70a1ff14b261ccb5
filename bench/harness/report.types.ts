/** What a benchmark run produces: rows of figures, target checks, and where it ran. */
import type { MachineInfo } from './machine.info.js';

export type SectionId =
  | 'publish'
  | 'drain'
  | 'latency'
  | 'capacity'
  | 'idle-polls'
  | 'telemetry'
  | 'soak'
  | 'hostile'
  | 'rocketmq5';

export interface ResultRow {
  /** Stable identifier, e.g. `publish.ours.emulator.c32` (the smoke test checks these). */
  id: string;
  section: SectionId;
  /** First column of the table. */
  label: string;
  /** The headline figure. */
  value: number;
  unit: string;
  /** Ratios to the other rows it is compared with, and secondary figures. */
  detail?: string;
  /** CPU of the load-generating (bench) process over the window, % of one core. */
  benchCpuPct?: number;
  /** CPU of the server process over the window, % of one core. */
  serverCpuPct?: number;
}

export interface TargetCheck {
  name: string;
  measured: number;
  required: number;
  /** `min`: measured must be >= required; `max`: measured must be <= required. */
  kind: 'min' | 'max';
  unit: string;
  pass: boolean;
}

export interface BenchReport {
  machine: MachineInfo;
  /** One line describing sizes and durations of this run. */
  settings: string;
  rows: ResultRow[];
  targets: TargetCheck[];
  totalSeconds: number;
}

export function target(
  name: string,
  measured: number,
  kind: 'min' | 'max',
  required: number,
  unit = '×',
): TargetCheck {
  return {
    name,
    measured,
    required,
    kind,
    unit,
    pass: kind === 'min' ? measured >= required : measured <= required,
  };
}
