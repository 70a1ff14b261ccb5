import type { INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { MQConsumerRegistry, type MQEvent } from '../../lib/index.js';
import { SampleTelemetry } from '../observability/sample-telemetry.js';
import { ActivityLog } from '../orders/activity.log.js';
import type { SampleSettings } from '../sample.settings.js';
import { buildChecks, type DemoCheck } from './demo.checks.js';
import { say, sendDemoBurst } from './demo.scenario.js';

/** After every check holds, keep watching this long: a duplicate delivery would show up here. */
const SETTLE_MS = 500;

/**
 * Sends the demo burst, waits (at most `settings.demoTimeoutMs`) until every expectation holds,
 * and prints the summary. Resolves true when every check passed; never rejects, never hangs.
 */
export async function runDemo(
  app: INestApplication,
  baseUrl: string,
  settings: SampleSettings,
): Promise<boolean> {
  const activity = app.get(ActivityLog);
  const events: MQEvent[] = [];
  const subscription = app.get(MQConsumerRegistry).events$.subscribe((e) => events.push(e));
  const started = Date.now();
  const deadline = AbortSignal.timeout(settings.demoTimeoutMs);
  let checks: DemoCheck[] = [];
  let failure: string | undefined;
  let largeCard: string | undefined;
  const expectedS = Math.ceil(Math.max(11_000, settings.paymentWindowMs + 1_000) / 1000);
  const expected = expectedS >= 120 ? `${Math.round(expectedS / 60)} min` : `${expectedS} s`;
  say(
    `sending the demo burst; about ${expected} (a failed message comes back after ` +
      `${settings.redeliveryMs / 1000} s, an unsettled transaction is checked after 10 s)`,
  );
  try {
    const run = await sendDemoBurst(app, baseUrl, activity, deadline);
    largeCard = run.largeCard.id;
    checks = buildChecks(
      run,
      activity,
      events,
      settings.paymentWindowMs,
      settings.embedded ? 0 : 2_000,
    );
    while (checks.some((check) => check.problem() !== undefined)) {
      await sleep(100, undefined, { signal: deadline });
    }
    await sleep(SETTLE_MS, undefined, { signal: deadline });
  } catch (error) {
    failure = deadline.aborted
      ? `timed out after ${settings.demoTimeoutMs / 1000} s before every message was handled`
      : `the demo failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    subscription.unsubscribe();
  }
  const passed = printSummary(checks, failure, Date.now() - started);
  printTrace(app, largeCard);
  return passed;
}

/** With --trace: the trace of the order whose payment failed once, across every consumer. */
function printTrace(app: INestApplication, orderId: string | undefined): void {
  const text = orderId === undefined ? undefined : app.get(SampleTelemetry).traces?.render(orderId);
  if (text === undefined) return;
  process.stdout.write(
    `The trace of ${orderId} (the card charge that failed once), also at GET /orders/${orderId}/trace:\n${text}\n`,
  );
}

function printSummary(
  checks: DemoCheck[],
  failure: string | undefined,
  elapsedMs: number,
): boolean {
  const out: string[] = ['', 'What the demo expected:'];
  let failed = 0;
  for (const check of checks) {
    const problem = check.problem();
    if (problem !== undefined) failed += 1;
    out.push(`  ${problem === undefined ? 'PASS' : 'FAIL'}  ${check.label}`);
    if (problem !== undefined) out.push(`        -> ${problem}`);
  }
  if (failure !== undefined) out.push(`  FAIL  ${failure}`);
  const seconds = (elapsedMs / 1000).toFixed(1);
  const passed = failed === 0 && failure === undefined && checks.length > 0;
  out.push(
    '',
    passed
      ? `Summary: all ${checks.length} checks passed in ${seconds} s`
      : checks.length === 0
        ? `Summary: FAILED after ${seconds} s (${failure ?? 'no check ran'})`
        : `Summary: ${failed} of ${checks.length} checks FAILED after ${seconds} s${failure ? ` (${failure})` : ''}`,
    '',
  );
  process.stdout.write(out.join('\n') + '\n');
  return passed;
}
