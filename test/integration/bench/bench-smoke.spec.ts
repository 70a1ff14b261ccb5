/**
 * Smoke run of `npm run bench` with a few dozen messages per scenario, so the harness never rots:
 * every scenario must run against real child servers (the compiled emulator CLI and the canned
 * server from dist/, built by `npm test`'s pretest) and produce its result rows. No timing
 * assertions: figures on a shared machine prove nothing, only their presence and sanity does.
 */
import { describe, it, expect } from '@jest/globals';
import { SMOKE_CONFIG } from '../../../bench/bench.config.js';
import { runBenchmarks } from '../../../bench/bench.runner.js';
import { renderBenchmarksDocument } from '../../../bench/harness/benchmarks.document.js';

function expectedRowIds(): string[] {
  const ids: string[] = [];
  for (const client of ['raw', 'ours', 'official']) {
    for (const server of ['emulator', 'canned']) {
      for (const c of SMOKE_CONFIG.publish.concurrencies)
        ids.push(`publish.${client}.${server}.c${c}`);
    }
  }
  ids.push(
    'drain.official',
    'drain.nest.defaults',
    'drain.nest.tuned',
    'drain.nest.batch',
    'drain.nest.wide',
  );
  ids.push('drain.rtt.official', 'drain.rtt.nest.tuned', 'drain.rtt.nest.wide');
  ids.push('latency.p50', 'latency.p99');
  for (const mode of ['memory', 'durable']) {
    ids.push(`capacity.${mode}.publish`, `capacity.${mode}.consume-ack`);
    ids.push(`capacity.${mode}.grpc-send`, `capacity.${mode}.grpc-receive-ack`);
  }
  ids.push('idle-polls.cpu', 'idle-polls.rss');
  ids.push('telemetry.off', 'telemetry.context', 'telemetry.metrics', 'telemetry.traces-metrics');
  ids.push('soak.heap-slope', 'soak.rss-slope', 'soak.not-consumed');
  ids.push('hostile.peak-rss', 'hostile.slow-closed');
  for (const c of SMOKE_CONFIG.publish.concurrencies) {
    for (const client of ['grpc', 'official', 'http'])
      ids.push(`rocketmq5.publish.${client}.c${c}`);
  }
  ids.push(
    'rocketmq5.drain.nest.grpc',
    'rocketmq5.drain.official.simple',
    'rocketmq5.drain.official.push',
    'rocketmq5.drain.nest.http',
  );
  return ids;
}

describe('npm run bench (smoke sizes)', () => {
  it('runs every scenario and reports a row for each measurement', async () => {
    const lines: string[] = [];
    const report = await runBenchmarks(SMOKE_CONFIG, { log: (line) => lines.push(line) });

    expect(report.failures).toEqual([]);
    const rows = new Map(report.rows.map((row) => [row.id, row]));
    for (const id of expectedRowIds()) {
      const row = rows.get(id);
      expect({ id, present: row !== undefined }).toEqual({ id, present: true });
      expect(Number.isFinite(row?.value)).toBe(true);
      // CPU % can be 0 over a tiny window, a slope can be negative or zero, and a count of messages
      // not consumed is 0 when all went well; every other figure is a positive rate, latency or size.
      if (row?.unit !== '% CPU' && row?.unit !== 'MiB/min' && row?.unit !== 'messages') {
        expect(row?.value).toBeGreaterThan(0);
      }
    }
    expect(report.rows).toHaveLength(expectedRowIds().length);
    // Every target of the issue is checked in the run (pass or miss, not asserted here).
    expect(report.targets.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('our client / raw ceiling'),
        expect.stringContaining('our client / official SDK'),
        expect.stringContaining('Nest tuned / official'),
        expect.stringContaining('latency p50'),
        expect.stringContaining('publish: durable / memory'),
        expect.stringContaining('consume+ack: durable / memory'),
      ]),
    );
    const document = renderBenchmarksDocument(report, []);
    for (const id of [
      'Publish throughput',
      'End-to-end drain',
      'Latency',
      'Emulator capacity',
      'idle long polls',
      'OpenTelemetry cost',
      'emulator memory in a soak',
      'emulator under hostile input',
    ]) {
      expect(document).toContain(id);
    }
    expect(document).toContain(report.machine.commit);
  }, 90_000);
});
