/**
 * The chaos run as a markdown section of BENCHMARKS.md, and the splice that puts it there. The
 * section sits between its own markers so that `npm run chaos` replaces only it and `npm run
 * bench` keeps it (bench/harness/benchmarks.document.ts keeps every marked section).
 */
import { FAULT_KINDS } from '../../lib/emulator/faults/fault.types.js';
import { machineInfo } from '../harness/machine.info.js';
import { CHAOS_APP_SETTINGS } from './chaos.app.js';
import { CHAOS_RULES, type ChaosReport } from './chaos.scenario.js';

export const RELIABILITY_SECTION = 'reliability';

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

export function renderChaosSection(report: ChaosReport): string {
  const t = report.tally;
  const c = report.config;
  const m = machineInfo();
  const s = CHAOS_APP_SETTINGS;
  const kinds = FAULT_KINDS.map((k) => `${k} ${report.faults.byKind[k]}`).join(', ');
  const rules = CHAOS_RULES.filter((r) => r.probability !== undefined)
    .map((r) => {
      const a = r.action;
      const what =
        a.kind === 'error'
          ? `${a.code}${a.status ? ` ${a.status}` : ''}`
          : a.kind === 'delay'
            ? `delay ${a.ms} ms`
            : a.kind === 'reset'
              ? `reset ${a.when} acting`
              : a.kind === 'trickle'
                ? `trickle 1 B/${a.intervalMs} ms`
                : a.kind;
      return `${what} ${(r.probability ?? 1) * 100} %`;
    })
    .join(', ');
  const rows: Array<[string, string, string]> = [
    [
      'Messages published (acknowledged)',
      `${t.acknowledged}`,
      `of ${c.messages + c.outages} sent; ${t.publishFailed} rejected after the retry policy gave up (not acknowledged)`,
    ],
    ['Faults injected', `${report.faults.total}`, kinds],
    ['**Acknowledged publishes lost**', `**${t.lost}**`, 'must be 0'],
    ['Calls that never settled', `${t.unsettled}`, 'must be 0'],
    [
      'Deliveries',
      `${t.deliveries}`,
      `${t.duplicates} beyond the first per key: ${t.redeliveries} the same message again (lost ack or poll answer), ${t.republished} a new message id (a publish retried after a lost answer)`,
    ],
    ['Acks confirmed by the broker', `${t.ackedConfirmed}`, ''],
    [
      'Acks presumed done (`confirmed: false`)',
      `${t.ackedPresumed}`,
      `the answer was lost, the retry found the handle used; ${t.presumedButRedelivered} of them delivered again`,
    ],
    [
      '`ack-failed` (will be delivered again)',
      `${t.ackFailed}`,
      `**${t.falseAckFailed} never delivered again** (must be 0)`,
    ],
    [
      '`ack-failed` with `maybeAcked: true`',
      `${t.ackFailedMaybeAcked}`,
      `outcome unknown, said so: ${t.maybeAckedRedelivered} delivered again (not acked), ` +
        `${t.ackFailedMaybeAcked - t.maybeAckedRedelivered} not (acked after all)`,
    ],
    [
      'Recovery after an outage (median / max)',
      `${ms(median(report.recoveryMs))} / ${ms(Math.max(...report.recoveryMs))}`,
      `${c.outages} outages of ${ms(c.outageMs)} (every connection reset); from the endpoint's return to the handling of a message published then`,
    ],
    [
      'Stranded by a shutdown under load',
      `${report.stranded.reduce((a, b) => a + b, 0)}`,
      `over ${c.shutdowns} app.close() while a publisher kept going`,
    ],
    [
      'app.close() against a stalled peer',
      ms(report.stalledClose.ms),
      `every answer stalls; bound drainTimeoutMs + 1 s ack grace + requestTimeoutMs = ${ms(report.stalledClose.boundMs)}`,
    ],
  ];
  const table = [
    '| Measurement | Result | Detail |',
    '| --- | ---: | --- |',
    ...rows.map(([a, b, d]) => `| ${a} | ${b} | ${d.replaceAll('|', '\\|')} |`),
  ];
  return [
    sectionStart(RELIABILITY_SECTION),
    '### 6c. Reliability: a Nest app under seeded faults',
    '',
    `Written by \`npm run chaos\` (bench/chaos/run.ts), not by \`npm run bench\`, which keeps it: ` +
      `${m.date}, commit ${m.commit}, Node ${m.node}, ` +
      `${m.cpuCount} × ${m.cpuModel}; run time ${Math.round(report.seconds)} s. ` +
      `The same scenario, smaller, runs in \`npm test\` (test/chaos/chaos.spec.ts).`,
    '',
    ...table,
    '',
    `Method: an in-process emulator (real clock, invisibility 3 s so that an unacked message comes ` +
      `back within the run) with its fault injector seeded (${c.seed}); a Nest app (one ` +
      `\`@MQConsumer\`, concurrency ${s.concurrency}, waitSeconds ${s.waitSeconds}; client ` +
      `requestTimeoutMs ${s.requestTimeoutMs}, longPollMarginMs ${s.longPollMarginMs}; ` +
      `publishRetry maxAttempts ${s.publishRetry.maxAttempts}, deadline ${s.publishRetry.deadlineMs} ms; ` +
      `drainTimeoutMs ${s.drainTimeoutMs}) publishes ${c.messages} keyed messages, ` +
      `${c.publishConcurrency} at a time, and consumes them while every request (publish, poll, ack) ` +
      `may meet a fault: ${rules}; besides, 2 ack answers are reset and 2 dropped after the ` +
      `broker acted. Then the outages, a drain until every acknowledged message and ` +
      `every promised redelivery has come, the shutdowns under load (a fresh app each time; ` +
      `stranded = the group's in-flight count once the app is closed), and a close while every ` +
      `answer stalls. Duplicates are expected (at-least-once): consumers deduplicate by key.`,
    sectionEnd(RELIABILITY_SECTION),
  ].join('\n');
}

export function sectionStart(id: string): string {
  return `<!-- section:${id} -->`;
}

export function sectionEnd(id: string): string {
  return `<!-- /section:${id} -->`;
}
