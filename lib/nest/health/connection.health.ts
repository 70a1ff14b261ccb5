/**
 * A connection's health from what its runners and publishes report, protocol-neutral (the
 * Terminus indicator in `lib/terminus` presents it). Down when:
 * - a consumer or transaction checker is `unhealthy` (the broker refuses its configuration:
 *   credentials, permissions, missing topic or group): at once;
 * - one has been failing to poll (`backing-off`: unreachable, timing out, 5xx) for `downAfterMs`;
 * - publishes have been failing for `downAfterMs` and the last one failed less than a minute ago
 *   (with no publish since, the failure no longer counts: an application that stopped publishing
 *   because it was reported down would otherwise never come back).
 * Back up by itself: the first poll or publish that succeeds ends the failing run (a long poll
 * returns when a message arrives or its wait ends).
 */
import type { RunnerStatus } from '../consumer/index.js';
import type { PublishHealth } from './publish.health.js';

/** How long a publish failure counts without another publish. */
export const PUBLISH_EVIDENCE_MS = 60_000;

/** A consumer or transaction checker in the report. */
export interface MQRunnerHealth {
  kind: 'consumer' | 'transaction-checker';
  topic: string;
  group: string;
  status: RunnerStatus;
  /** Messages taken from the broker and not done with yet. */
  inFlight: number;
  /** ISO time since when its polls have been failing. */
  failingSince?: string;
  /** The last poll error of that run. */
  error?: string;
}

export interface MQPublishHealthReport {
  /** `ok`: the last counted publish succeeded; `none`: none completed yet. */
  status: 'ok' | 'failing' | 'none';
  failingSince?: string;
  lastFailureAt?: string;
  error?: string;
}

export interface MQConnectionHealth {
  connection: string;
  transport: string;
  up: boolean;
  /** Why it is down: every problem, one sentence each. */
  problems: string[];
  /** By consumer (or transaction checker) name. */
  consumers: Record<string, MQRunnerHealth>;
  publish: MQPublishHealthReport;
}

/** A runner as the health report reads it. */
export interface RunnerHealthSource {
  name: string;
  kind: 'consumer' | 'transaction-checker';
  topic: string;
  group: string;
  status: RunnerStatus;
  inFlight: number;
  failingSince: number | undefined;
  lastPollError: Error | undefined;
}

export function connectionHealth(
  connection: { name: string; transport: string; publishHealth: PublishHealth },
  runners: Iterable<RunnerHealthSource>,
  downAfterMs: number,
  now: number,
): MQConnectionHealth {
  const problems: string[] = [];
  const consumers: Record<string, MQRunnerHealth> = {};
  for (const runner of runners) {
    const report: MQRunnerHealth = {
      kind: runner.kind,
      topic: runner.topic,
      group: runner.group,
      status: runner.status,
      inFlight: runner.inFlight,
    };
    const error = runner.lastPollError;
    if (runner.failingSince !== undefined) report.failingSince = iso(runner.failingSince);
    if (error !== undefined) report.error = describe(error);
    consumers[runner.name] = report;
    const subject = `${runner.kind === 'consumer' ? 'consumer' : 'transaction checker'} "${runner.name}" (${runner.topic} @ ${runner.group})`;
    if (runner.status === 'unhealthy') {
      problems.push(`${subject} is refused by the broker: ${report.error ?? 'unknown error'}`);
    } else if (
      runner.status === 'backing-off' &&
      runner.failingSince !== undefined &&
      now - runner.failingSince >= downAfterMs
    ) {
      problems.push(
        `${subject} has failed to poll for ${seconds(now - runner.failingSince)}: ${report.error ?? 'unknown error'}`,
      );
    }
  }
  const publish = publishReport(connection.publishHealth);
  const health = connection.publishHealth;
  if (
    health.failingSince !== undefined &&
    health.lastFailureAt !== undefined &&
    now - health.failingSince >= downAfterMs &&
    now - health.lastFailureAt < PUBLISH_EVIDENCE_MS
  ) {
    problems.push(
      `publishes have failed for ${seconds(now - health.failingSince)}: ${publish.error ?? 'unknown error'}`,
    );
  }
  return {
    connection: connection.name,
    transport: connection.transport,
    up: problems.length === 0,
    problems,
    consumers,
    publish,
  };
}

function publishReport(health: PublishHealth): MQPublishHealthReport {
  if (!health.published) return { status: 'none' };
  if (health.failingSince === undefined) return { status: 'ok' };
  const report: MQPublishHealthReport = {
    status: 'failing',
    failingSince: iso(health.failingSince),
  };
  if (health.lastFailureAt !== undefined) report.lastFailureAt = iso(health.lastFailureAt);
  if (health.lastError !== undefined) report.error = describe(health.lastError);
  return report;
}

function describe(error: Error): string {
  return `${error.name}: ${error.message}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
