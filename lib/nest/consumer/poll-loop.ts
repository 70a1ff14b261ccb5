/**
 * The long-poll loop shared by consumers and transaction checkers: lifecycle (start, pause, resume,
 * stop with drain), slot-bounded polling, poll-error backoff and health. Subclasses say how to poll
 * and what to do with a batch.
 *
 * Loop: while free slots allow, send polls without awaiting them (each reserves the slots it asks
 * for: min(batchSize, free) for the first, a full batch for every further one, at most `maxPolls`
 * outstanding), then wait until a slot is freed, a poll returns, a hold ends, or stop/resume. A
 * returned poll takes one slot per message, gives the rest of its reservation back and hands the
 * batch over without awaiting it. With one poll only, throughput is bounded by batchSize per poll
 * round trip; overlapping polls hide the round trip when there are slots for more than one batch.
 * Never asking for more than free slots means no receipt handle waits in a local buffer while its
 * invisibility window runs out.
 *
 * After a failure the loop holds (backoff), then sends ONE probe: a short poll, which answers at
 * once when the server works. Long polls resume as soon as a probe works, so the status is back to
 * `running` within a backoff step of the server coming back, and a server that is down sees one
 * cheap request per step.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import { PollBackoff, sleep } from './poll-backoff.js';
import { PollHealth } from './poll-health.js';
import { RunnerEvents } from './runner-events.js';
import type { PollLoopDeps, RunnerStatus } from './runner-status.js';
import { validateSettings, type PollLoopSettings } from './poll-loop.settings.js';
import { SETTLE_GRACE_MS, STOP_POLL_GRACE_MS, within, type Run } from './poll-loop.timing.js';
import { HandlerSlots } from './slots.js';

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
  /** Resolver of the loop's wait for a free slot / resume / stop. */
  private wakeLoop: (() => void) | undefined;
  private wakeScheduled = false;
  private readonly maxPolls: number;
  /** Polls sent and not yet settled (their slots are reserved). */
  private outstandingPolls = 0;
  /** A probe (the one short poll after a failure) is outstanding. */
  private probeOutstanding = false;
  /**
   * Set when a stop's drain deadline passed with a poll still outstanding (its answer was
   * arriving): what it brings is counted and logged as stranded instead of dispatched.
   */
  private intakeClosed = false;
  private strandedCount = 0;
  /**
   * The last poll that came back brought messages: the queue is busy, so a poll out at stop time
   * is likely to be answered any moment (see STOP_POLL_GRACE_MS).
   */
  private queueBusy = false;
  /** Resolver of the stopping loop's wait for its outstanding polls. */
  private pollsSettled: (() => void) | undefined;
  /**
   * While set, no new poll is sent: a poll-error backoff or the pause after an empty short poll.
   * One timer for the whole loop (not one per poll), so overlapping polls that fail together do not
   * stack delays, events or logs.
   */
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly health: PollHealth;
  /** Paces the loop after an internal defect (never a poll's failure: that is `health`). */
  private readonly defectBackoff: PollBackoff;
  private readonly emptyPollDelayMs: number;

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
    this.slots = new HandlerSlots(settings.concurrency, this.notify);
    this.maxPolls = settings.maxPolls ?? 1;
    this.health = new PollHealth(settings, this.events, deps.logger, deps);
    this.defectBackoff = new PollBackoff(500, 30_000, deps.random ?? Math.random);
    this.emptyPollDelayMs = deps.emptyPollDelayMs ?? 1_000;
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
    return this.strandedCount;
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
    this.intakeClosed = false;
    this.stopDone = undefined;
    this.limitPendingWork(Infinity);
    const run: Run = { intake: new AbortController(), polls: new AbortController() };
    this.run = run;
    this.events.lifecycle('consumer.started');
    this.loopDone = this.loop(run);
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
    this.notify();
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

  /**
   * Wakes a waiting loop on the next turn of the event loop rather than at once: handlers that
   * finish in the same turn then free their slots together and the next poll asks for all of them.
   */
  private readonly notify = (): void => {
    if (this.wakeLoop !== undefined && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(this.fireWake);
    }
  };

  private readonly fireWake = (): void => {
    this.wakeScheduled = false;
    const wake = this.wakeLoop;
    if (wake !== undefined) {
      this.wakeLoop = undefined;
      wake();
    }
  };

  private waitForWake(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeLoop = resolve;
    });
  }

  private async loop(run: Run): Promise<void> {
    const intake = run.intake.signal;
    while (!intake.aborted) {
      try {
        this.sendPolls(run);
        await this.waitForWake();
      } catch (error) {
        // Only a defect (ours, or a throwing logger) gets here. A consumer that keeps polling
        // after a pause is better than one that is silently dead while its status says running.
        this.logInternalError(error);
        await sleep(this.defectBackoff.next(), intake);
      }
    }
    // Stopping: wait until every outstanding poll came back or was aborted and gave its slots back.
    if (this.outstandingPolls > 0) {
      await new Promise<void>((resolve) => {
        this.pollsSettled = resolve;
      });
    }
  }

  /**
   * Sends as many polls as the free slots allow: the first one asks for min(batchSize, free), a
   * further one only when a whole batch of slots is free (a small extra poll would cost a round
   * trip for little), never more than `maxPolls` outstanding.
   */
  private sendPolls(run: Run): void {
    if (this.health.probing) {
      this.sendProbe(run);
      return;
    }
    const batchSize = this.settings.batchSize;
    while (
      !this.paused &&
      this.holdTimer === undefined &&
      !run.intake.signal.aborted &&
      this.outstandingPolls < this.maxPolls
    ) {
      const free = this.slots.free;
      if (free === 0 || (this.outstandingPolls > 0 && free < batchSize)) return;
      const max = free < batchSize ? free : batchSize;
      this.slots.reserve(max);
      this.outstandingPolls++;
      void this.runPoll(max, run, false);
    }
  }

  /**
   * After a failure: one short poll once the hold is over, whatever older long polls are still
   * outstanding (a long poll sent before the failure may wait 30 s; its outcome says nothing).
   */
  private sendProbe(run: Run): void {
    if (
      this.probeOutstanding ||
      this.paused ||
      this.holdTimer !== undefined ||
      run.intake.signal.aborted
    ) {
      return;
    }
    const free = this.slots.free;
    if (free === 0) return;
    const max = free < this.settings.batchSize ? free : this.settings.batchSize;
    this.slots.reserve(max);
    this.outstandingPolls++;
    this.probeOutstanding = true;
    void this.runPoll(max, run, true);
  }

  /** One poll: settles its reservation, hands the batch over, or reports the error. */
  private async runPoll(max: number, run: Run, probe: boolean): Promise<void> {
    const epoch = this.health.failureEpoch;
    let messages: MQReceivedMessage[] | undefined;
    let failure: unknown;
    try {
      messages = await this.poll(max, run.polls.signal, probe);
    } catch (error) {
      failure = error;
    }
    if (probe) this.probeOutstanding = false;
    const count = messages === undefined ? 0 : messages.length;
    if (messages !== undefined) this.queueBusy = count > 0;
    this.slots.settleReservation(max, count);
    try {
      if (messages === undefined) {
        // While stopping, a failure (our own abort, most often) says nothing worth reporting.
        if (!run.intake.signal.aborted && epoch === this.health.failureEpoch) {
          this.onPollError(failure);
        }
      } else {
        if (this.health.probing && epoch === this.health.failureEpoch) this.health.recovered();
        if (count === 0) {
          // Short polling: an empty answer pauses the loop instead of spinning.
          if (this.settings.waitSeconds === 0) this.hold(this.emptyPollDelayMs);
        } else if (this.intakeClosed) {
          this.strand(messages);
        } else {
          this.handle(messages);
        }
      }
    } catch (error) {
      this.logInternalError(error);
    } finally {
      this.outstandingPolls--;
      if (this.outstandingPolls === 0 && this.pollsSettled !== undefined) {
        const settled = this.pollsSettled;
        this.pollsSettled = undefined;
        settled();
      }
    }
    // Poll again at once, as a single loop would after its poll returned (a wake waits a turn).
    try {
      this.sendPolls(run);
    } catch (error) {
      this.logInternalError(error);
    }
    this.notify();
  }

  /** Sends no new poll for `ms` (a poll-error backoff or the empty short-poll delay). */
  private hold(ms: number): void {
    if (this.holdTimer !== undefined) return;
    this.holdTimer = setTimeout(this.endHold, ms);
  }

  private readonly endHold = (): void => {
    this.holdTimer = undefined;
    this.notify();
  };

  private clearHold(): void {
    if (this.holdTimer !== undefined) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    }
  }

  private logInternalError(error: unknown): void {
    this.logger.error(
      `MQ consumer ${this.settings.name}: internal error in the poll loop: ${String(error)}`,
      error instanceof Error ? error.stack : undefined,
      LOG_CONTEXT,
    );
  }

  private onPollError(error: unknown): void {
    const delay = this.health.failed(error);
    // An empty-poll delay under way gives way to the backoff.
    this.clearHold();
    this.hold(delay);
  }

  /** A batch that came after the drain deadline: not handled, counted and logged. */
  private strand(messages: MQReceivedMessage[]): void {
    this.strandedCount += messages.length;
    this.slots.release(messages.length);
    let ids = '';
    for (let i = 0; i < messages.length; i++) ids += (i === 0 ? '' : ', ') + messages[i]!.messageId;
    this.logger.warn(
      `MQ consumer ${this.settings.name} on ${this.settings.topic} @ ${this.settings.group}: ${messages.length} message(s) arrived after the drain deadline and were not handled; they are delivered again when their invisibility window ends: ${ids}`,
      LOG_CONTEXT,
    );
  }

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
    if (this.queueBusy && this.outstandingPolls > 0) {
      const grace = bounded ? Math.min(STOP_POLL_GRACE_MS, drainTimeoutMs) : STOP_POLL_GRACE_MS;
      cut = setTimeout(() => run?.polls.abort(), Math.max(0, grace));
    } else {
      run?.polls.abort();
    }
    this.clearHold();
    this.notify();
    try {
      const intakeDone = await within(this.loopDone, deadlineAt);
      clearTimeout(cut);
      run?.polls.abort();
      if (!intakeDone) this.intakeClosed = true;
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
      this.clearHold();
      this.events.lifecycle('consumer.stopped');
    }
  }
}
