/**
 * The chaos suite: a Nest app publishing and consuming under load on the emulator while its seeded
 * fault injector produces every kind of fault (bench/chaos/chaos.scenario.ts; `npm run chaos` runs
 * a longer one and writes its figures to BENCHMARKS.md). What must hold whatever the faults:
 * no acknowledged publish lost, no ack-failed event that promised a redelivery which never came,
 * every call settled, nothing stranded by a shutdown under load, app.close() bounded against a
 * stalled peer, every fault kind injected. Recovery times are measured, not asserted.
 */
import { describe, expect, it } from '@jest/globals';
import { FAULT_KINDS } from '../../lib/emulator/faults/fault.types.js';
import { CHAOS_TEST_CONFIG, runChaos, type ChaosReport } from '../../bench/chaos/chaos.scenario.js';

describe('chaos: a Nest app under seeded faults', () => {
  let report: ChaosReport;

  it('runs', async () => {
    report = await runChaos(CHAOS_TEST_CONFIG);
  }, 120_000);

  it('injected every kind of fault', () => {
    for (const kind of FAULT_KINDS)
      expect({ kind, n: report.faults.byKind[kind] > 0 }).toEqual({ kind, n: true });
  });

  it('lost no acknowledged publish; every call settled', () => {
    expect(report.tally.acknowledged).toBeGreaterThan(CHAOS_TEST_CONFIG.messages * 0.9);
    expect(report.tally.unsettled).toBe(0);
    expect(report.tally.lost).toBe(0);
  });

  it('told the truth about acks', () => {
    expect(report.tally.falseAckFailed).toBe(0);
    // Lost answers did happen, and were reported as presumed acks, not failures.
    expect(report.tally.ackedPresumed).toBeGreaterThan(0);
  });

  it('stranded nothing on shutdown under load', () => {
    expect(report.stranded).toEqual(report.stranded.map(() => 0));
  });

  it('closed against a stalled peer within the drain deadline plus its constants', () => {
    expect(report.stalledClose.ms).toBeLessThan(report.stalledClose.boundMs + 5_000);
  });

  it('recovered from every outage', () => {
    expect(report.recoveryMs).toHaveLength(CHAOS_TEST_CONFIG.outages);
  });
});
