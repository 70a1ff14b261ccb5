/**
 * The long-poll loop shared by consumers and transaction checkers: lifecycle (start, pause, resume,
 * stop with drain), status and health. Polling itself (slot-bounded polls, the probe after a
 * failure, holds, stranding) is the intake's (poll-intake.ts). Subclasses say how to poll and what
 * to do with a batch.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import { PollHealth } from './poll-health.js';
import { PollIntake } from './poll-intake.js';
import { RunnerEvents } from './runner-events.js';
import type { PollLoopDeps, RunnerStatus } from './runner-status.js';
import { validateSettings, type PollLoopSettings } from './poll-loop.settings.js';
import { SETTLE_GRACE_MS, STOP_POLL_GRACE_MS, within, type Run } from './poll-loop.timing.js';
import type { HandlerSlots } from './slots.js';

export type { PollLoopSettings } from './poll-loop.settings.js';
export { PROBE_TIMEOUT_MS, SETTLE_GRACE_MS, STOP_POLL_GRACE_MS } from './poll-loop.timing.js';

const LOG_CONTEXT = 'MQConsumer';

type Lifecycle = 'idle' | 'running' | 'stopping' | 'stopped';

export abstract class PollLoop {
  protected readonly slots: HandlerSlots;
  protected readonly events: RunnerEvents;
  protected readonly logger: LoggerService;
  protected readonly settings: PollLoopSettings;

  private lifecycle: Lifecycle = 'idle';
  private paused = false;
  private run: Run | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private stopDone: Promise<void> | undefined;
  private readonly health: PollHealth;
  private readonly intake: PollIntake;

  protected constructor(settings: PollLoopSettings, deps: PollLoopDeps) {
    validateSettings(settings);
    this.settings = settings;
    this.logger = deps.logger;
    this.events = new RunnerEvents(
      settings.name,
      settings.topic,
      settings.group,
      deps.events,
      deps.logger,
    );
    this.health = new PollHealth(settings, this.events, deps.logger, deps);
    const host = {
      isPaused: () => this.paused,
      poll: (max: number, signal: AbortSignal, probe: boolean) => this.poll(max, signal, probe),
      handle: (messages: MQReceivedMessage[]) => this.handle(messages),
    };
    this.intake = new PollIntake(settings, this.health, host, deps);
    this.slots = this.intake.slots;
  }

  get status(): RunnerStatus {
    const lifecycle = this.lifecycle;
    if (lifecycle !== 'running') return lifecycle;
    if (this.paused) return 'paused';
    if (this.health.unhealthy) return 'unhealthy';
    if (this.health.backingOff) return 'backing-off';
    return 'running';
  }

  /**
   * When the current run of failed polls began (epoch ms): set by the first reported failure,
   * cleared by the first poll that returns afterwards and by stop. Health reads it.
   */
  get failingSince(): number | undefined {
    return this.health.failingSince;
  }

  /** The last reported poll failure of the current run (undefined while polls succeed). */
  get lastPollError(): Error | undefined {
    return this.health.lastFailure;
  }

  /** Messages taken from the broker and not yet done with (handlers running or queued in a key). */
  get inFlight(): number {
    return this.slots.used;
  }

  /**
   * Messages that reached this runner after a stop's drain deadline (a poll whose answer was still
   * arriving then) and were not handled: they come back after their invisibility window.
   */
  get stranded(): number {
    return this.intake.stranded;
  }

  /** Starts polling (also after a completed stop). No-op while running; ignored while stopping. */
  start(): void {
    if (this.lifecycle === 'running') return;
    if (this.lifecycle === 'stopping') {
      this.logger.warn(
        `MQ consumer ${this.settings.name}: start() ignored while it is stopping`,
        LOG_CONTEXT,
      );
      return;
    }
    this.lifecycle = 'running';
    this.paused = false;
    this.intake.open();
    this.stopDone = undefined;
    this.limitPendingWork(Infinity);
    const run: Run = { intake: new AbortController(), polls: new AbortController() };
    this.run = run;
    this.events.lifecycle('consumer.started');
    this.loopDone = this.intake.loop(run);
  }

  /**
   * Starts no new poll. A long poll already under way is NOT aborted: aborting could strand
   * messages the server handed out at that moment (they would come back only after their
   * invisibility window); whatever it returns is dispatched. Running handlers continue.
   */
  pause(): void {
    if (this.lifecycle !== 'running' || this.paused) return;
    this.paused = true;
    this.events.lifecycle('consumer.paused');
  }

  resume(): void {
    if (this.lifecycle !== 'running' || !this.paused) return;
    this.paused = false;
    this.events.lifecycle('consumer.resumed');
    this.intake.notify();
  }

  /**
   * Sends no new poll; polls still outstanding get STOP_POLL_GRACE_MS to come back, then are
   * aborted together (a poll whose answer is already arriving completes; every batch that comes
   * back is handled); ends any backoff at once; lets running handlers finish until
   * `drainTimeoutMs` (then aborts their signals and stops waiting: those messages stay unacked and
   * come back later), flushes pending acks (none runs past the deadline + SETTLE_GRACE_MS), emits
   * consumer.stopped. Idempotent; never rejects. A non-finite drainTimeoutMs waits for the
   * handlers without a deadline.
   */
  stop(drainTimeoutMs: number): Promise<void> {
    if (this.stopDone !== undefined) return this.stopDone;
    if (this.lifecycle !== 'running') {
      this.lifecycle = 'stopped';
      return Promise.resolve();
    }
    this.stopDone = this.shutdown(drainTimeoutMs);
    return this.stopDone;
  }

  protected get isStopping(): boolean {
    return this.lifecycle === 'stopping' || this.lifecycle === 'stopped';
  }

  /**
   * One poll for at most `max` messages; rejects with the transport's typed errors. A `probe` is a
   * short poll (wait 0): after a failure it finds out at once whether the server works again.
   */
  protected abstract poll(
    max: number,
    signal: AbortSignal,
    probe: boolean,
  ): Promise<MQReceivedMessage[]>;
  /** Takes over a batch; one slot per message is already taken. Must not throw. */
  protected abstract handle(messages: MQReceivedMessage[]): void;
  /** Drain deadline reached: abort the signals of everything still running. */
  protected abstract abandonRunning(drainTimeoutMs: number): void;
  /** Sends what is still pending (acks); never rejects. */
  protected abstract flushPending(): Promise<void>;
  /** Acks/commits from now on must not run past `deadlineAt` (monotonic ms; Infinity = none). */
  protected abstract limitPendingWork(deadlineAt: number): void;

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    this.lifecycle = 'stopping';
    const bounded = Number.isFinite(drainTimeoutMs);
    const deadlineAt = bounded ? performance.now() + Math.max(0, drainTimeoutMs) : Infinity;
    this.limitPendingWork(bounded ? deadlineAt + SETTLE_GRACE_MS : Infinity);
    const run = this.run;
    // No new poll from now on; on a busy queue the polls still out get a short grace, then one
    // signal cuts them all (an answer already arriving completes; its batch is handled within the
    // deadline). On an idle queue they are cut at once: an answer at that very moment is unlikely.
    run?.intake.abort();
    let cut: ReturnType<typeof setTimeout> | undefined;
    if (this.intake.pollsDueSoon) {
      const grace = bounded ? Math.min(STOP_POLL_GRACE_MS, drainTimeoutMs) : STOP_POLL_GRACE_MS;
      cut = setTimeout(() => run?.polls.abort(), Math.max(0, grace));
    } else {
      run?.polls.abort();
    }
    this.intake.clearHold();
    this.intake.notify();
    try {
      const intakeDone = await within(this.loopDone, deadlineAt);
      clearTimeout(cut);
      run?.polls.abort();
      if (!intakeDone) this.intake.close();
      const drained =
        intakeDone && (this.slots.used === 0 || (await within(this.slots.whenIdle(), deadlineAt)));
      if (!drained) this.abandonRunning(drainTimeoutMs);
      await this.flushPending();
    } catch (error) {
      this.logger.error(
        `MQ consumer ${this.settings.name}: error while stopping: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
        LOG_CONTEXT,
      );
    } finally {
      this.lifecycle = 'stopped';
      this.paused = false;
      this.health.reset();
      this.intake.clearHold();
      this.events.lifecycle('consumer.stopped');
    }
  }
}
