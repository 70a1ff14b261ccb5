/** Renders a run as markdown: printed to the terminal and written to BENCHMARKS.md. */
import type { BenchReport, ResultRow, SectionId } from './report.types.js';

const SECTION_TITLES: Record<SectionId, string> = {
  publish: '1. Publish throughput',
  drain: '2. End-to-end drain',
  latency: '3. Latency: publish → handler start',
  capacity: '4a. Emulator capacity',
  'idle-polls': '4b. Emulator holding idle long polls',
  telemetry: '5. OpenTelemetry cost in a drain',
  soak: '6a. Reliability: emulator memory in a soak',
  hostile: '6b. Reliability: emulator under hostile input',
  rocketmq5: '7. RocketMQ 5 (gRPC): our transport, the official client, HTTP beside',
};

export function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = unit === 'ms' ? (value < 10 ? 2 : 1) : value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function pct(value: number | undefined): string {
  return value === undefined ? '' : `${Math.round(value)} %`;
}

/** Pipes would break the table. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function renderSection(section: SectionId, rows: readonly ResultRow[]): string {
  const lines = [
    `### ${SECTION_TITLES[section]}`,
    '',
    '| Measurement | Result | Ratios / detail | Bench CPU | Server CPU |',
    '| --- | ---: | --- | ---: | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${cell(row.label)} | ${formatNumber(row.value, row.unit)} ${row.unit} | ${cell(row.detail ?? '')} | ` +
        `${pct(row.benchCpuPct)} | ${pct(row.serverCpuPct)} |`,
    );
  }
  return lines.join('\n');
}

export function renderTargets(report: BenchReport): string {
  const lines = ['| Target | Measured | Required | Result |', '| --- | ---: | ---: | --- |'];
  for (const t of report.targets) {
    const op = t.kind === 'min' ? '≥' : '≤';
    const unit = t.unit === '×' ? '×' : ` ${t.unit}`;
    lines.push(
      `| ${cell(t.name)} | ${formatNumber(t.measured, t.unit)}${unit} | ${op} ${t.required}${unit} | ` +
        `${t.pass ? 'met' : '**missed**'} |`,
    );
  }
  return lines.join('\n');
}

export function renderMachine(report: BenchReport): string {
  const m = report.machine;
  return [
    `- Date: ${m.date}`,
    `- Commit: ${m.commit}`,
    `- Machine: ${m.cpuCount} × ${m.cpuModel}, ${m.totalMemoryGiB} GiB RAM, ${m.os}`,
    `- Node: ${m.node}; 1-min load average at start: ${m.loadAverage}`,
    `- Settings: ${report.settings}`,
    `- Total run time: ${Math.round(report.totalSeconds)} s`,
  ].join('\n');
}

/** All sections in order, each only if it has rows. */
export function renderResults(report: BenchReport): string {
  const parts: string[] = [];
  for (const section of Object.keys(SECTION_TITLES) as SectionId[]) {
    const rows = report.rows.filter((r) => r.section === section);
    if (rows.length > 0) parts.push(renderSection(section, rows));
  }
  return parts.join('\n\n');
}
