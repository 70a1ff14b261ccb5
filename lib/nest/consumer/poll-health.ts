/**
 * Health of one poll loop: what a failed poll means (transient: back off; auth/config: unhealthy),
 * the events and rate-limited log lines that say so, and recovery. The loop asks `probing` to know
 * whether its next poll is a probe (one short poll) rather than long polls.
 */
import type { LoggerService } from '@nestjs/common';
import { POLL_BACKOFF_DEFAULTS } from '../mq.constants.js';
import { asError, PollBackoff } from './poll-backoff.js';
import type { RunnerEvents } from './runner-events.js';
import type { PollLoopDeps } from './runner-status.js';

const LOG_CONTEXT = 'MQConsumer';
/** Transient poll errors are logged at most this often (each one is still an event). */
const TRANSIENT_LOG_INTERVAL_MS = 10_000;
/** Auth/config errors are logged at error level at most this often. */
const UNHEALTHY_LOG_INTERVAL_MS = 60_000;

export interface PollHealthOwner {
  name: string;
  topic: string;
  group: string;
}

export class PollHealth {
  backingOff = false;
  unhealthy = false;
  /**
   * Counts reported poll failures. A poll remembers the count at send time: if another failure was
   * reported meanwhile, its own outcome says nothing new about the server's health (overlapping
   * polls fail together when the server goes away) and is neither reported nor taken as recovery.
   */
  failureEpoch = 0;
  /** When the current run of failed polls began (epoch ms); undefined while polls work. */
  failingSince: number | undefined;
  /** The last reported failure of the current run. */
  lastFailure: Error | undefined;
  private readonly backoff: PollBackoff;
  private readonly isConfigurationError: (error: unknown) => boolean;
  private readonly unhealthyBackoffMs: number;
  private lastTransientLogAt = -Infinity;
  private suppressedTransientLogs = 0;
  private lastUnhealthyLogAt = -Infinity;

  constructor(
    private readonly owner: PollHealthOwner,
    private readonly events: RunnerEvents,
    private readonly logger: LoggerService,
    deps: PollLoopDeps,
  ) {
    this.backoff = new PollBackoff(
      deps.backoff?.initialMs ?? POLL_BACKOFF_DEFAULTS.initialMs,
      deps.backoff?.maxMs ?? POLL_BACKOFF_DEFAULTS.maxMs,
      deps.random ?? Math.random,
    );
    this.isConfigurationError = (error) => deps.transport.isConfigurationError(error);
    this.unhealthyBackoffMs = deps.unhealthyBackoffMs ?? 60_000;
    if (!(this.unhealthyBackoffMs > 0)) {
      throw new RangeError(`unhealthyBackoffMs must be > 0, got ${this.unhealthyBackoffMs}`);
    }
  }

  /** After a failure, until a poll works again: the next poll is a probe. */
  get probing(): boolean {
    return this.backingOff || this.unhealthy;
  }

  /**
   * A poll sent after the last reported failure failed: one event, one (rate-limited) log line and
   * one backoff step, whatever the number of polls that were outstanding. Returns the wait before
   * the next poll.
   */
  failed(error: unknown): number {
    this.failureEpoch++;
    const err = asError(error);
    this.failingSince ??= Date.now();
    this.lastFailure = err;
    const { name, topic, group } = this.owner;
    let delay: number;
    // Credentials, permissions, missing resources: retrying fast fixes nothing (the transport knows).
    if (this.isConfigurationError(error)) {
      delay = this.unhealthyBackoffMs;
      if (!this.unhealthy) {
        this.unhealthy = true;
        this.events.unhealthy(err);
      }
      const now = Date.now();
      if (now - this.lastUnhealthyLogAt >= UNHEALTHY_LOG_INTERVAL_MS) {
        this.lastUnhealthyLogAt = now;
        this.logger.error(
          `MQ consumer ${name} on ${topic} @ ${group} is unhealthy (${err.name}: ${err.message}); polling again every ${delay} ms until it succeeds`,
          undefined,
          LOG_CONTEXT,
        );
      }
    } else {
      delay = this.backoff.next();
      this.backingOff = true;
      const now = Date.now();
      if (now - this.lastTransientLogAt >= TRANSIENT_LOG_INTERVAL_MS) {
        const suppressed = this.suppressedTransientLogs;
        this.lastTransientLogAt = now;
        this.suppressedTransientLogs = 0;
        this.logger.warn(
          `MQ consumer ${name} on ${topic} @ ${group}: poll failed (${err.name}: ${err.message}); retrying in ${delay} ms` +
            (suppressed > 0 ? ` (${suppressed} similar failures not logged)` : ''),
          LOG_CONTEXT,
        );
      } else {
        this.suppressedTransientLogs++;
      }
    }
    this.events.pollError(err, delay);
    return delay;
  }

  /** A poll sent after the last failure worked. */
  recovered(): void {
    const wasUnhealthy = this.unhealthy;
    this.backingOff = false;
    this.unhealthy = false;
    this.failingSince = undefined;
    this.lastFailure = undefined;
    this.backoff.reset();
    if (wasUnhealthy) {
      this.lastUnhealthyLogAt = -Infinity;
      this.logger.log(
        `MQ consumer ${this.owner.name} on ${this.owner.topic} @ ${this.owner.group} recovered`,
        LOG_CONTEXT,
      );
      this.events.lifecycle('consumer.recovered');
    }
  }

  /** Stopped: a restart begins healthy. */
  reset(): void {
    this.backingOff = false;
    this.unhealthy = false;
    this.failingSince = undefined;
    this.lastFailure = undefined;
  }
}
