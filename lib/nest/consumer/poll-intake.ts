/**
 * The intake of one poll loop: slot-bounded polling. While free slots allow, it sends polls without
 * awaiting them (each reserves the slots it asks for: min(batchSize, free) for the first, a full
 * batch for every further one, at most `maxPolls` outstanding), then waits until a slot is freed, a
 * poll returns, a hold ends, or the loop is resumed or stopped. A returned poll takes one slot per
 * message, gives the rest of its reservation back and hands the batch over without awaiting it.
 * With one poll only, throughput is bounded by batchSize per poll round trip; overlapping polls hide
 * the round trip when there are slots for more than one batch. Never asking for more than free
 * slots means no receipt handle waits in a local buffer while its invisibility window runs out.
 *
 * After a failure the intake holds (backoff), then sends ONE probe: a short poll, which answers at
 * once when the server works. Long polls resume as soon as a probe works, so the status is back to
 * `running` within a backoff step of the server coming back, and a server that is down sees one
 * cheap request per step. The lifecycle (start, pause, stop and its drain) is poll-loop.ts's.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import { PollBackoff, sleep } from './poll-backoff.js';
import type { PollHealth } from './poll-health.js';
import type { PollLoopSettings } from './poll-loop.settings.js';
import type { Run } from './poll-loop.timing.js';
import { HandlerSlots } from './slots.js';

const LOG_CONTEXT = 'MQConsumer';

/** What the intake asks of its loop. */
export interface PollIntakeHost {
  /** No new poll while paused (polls under way complete). */
  isPaused(): boolean;
  /** One poll for at most `max` messages (a `probe` is a short poll). */
  poll(max: number, signal: AbortSignal, probe: boolean): Promise<MQReceivedMessage[]>;
  /** Takes over a batch; one slot per message is already taken. Must not throw. */
  handle(messages: MQReceivedMessage[]): void;
}

export interface PollIntakeDeps {
  logger: LoggerService;
  random?: () => number;
  /** Short polling: the pause after an empty answer (default 1 s). */
  emptyPollDelayMs?: number;
}

export class PollIntake {
  readonly slots: HandlerSlots;
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
  /** Paces the loop after an internal defect (never a poll's failure: that is `health`). */
  private readonly defectBackoff: PollBackoff;
  private readonly emptyPollDelayMs: number;
  private readonly logger: LoggerService;

  constructor(
    private readonly settings: PollLoopSettings,
    private readonly health: PollHealth,
    private readonly host: PollIntakeHost,
    deps: PollIntakeDeps,
  ) {
    this.slots = new HandlerSlots(settings.concurrency, this.notify);
    this.maxPolls = settings.maxPolls ?? 1;
    this.logger = deps.logger;
    this.defectBackoff = new PollBackoff(500, 30_000, deps.random ?? Math.random);
    this.emptyPollDelayMs = deps.emptyPollDelayMs ?? 1_000;
  }

  /** Messages that arrived after a stop's drain deadline and were not handled. */
  get stranded(): number {
    return this.strandedCount;
  }

  /** The queue is busy and polls are out: a stop gives them STOP_POLL_GRACE_MS to come back. */
  get pollsDueSoon(): boolean {
    return this.queueBusy && this.outstandingPolls > 0;
  }

  /** A new run (start): batches are handled again. */
  open(): void {
    this.intakeClosed = false;
  }

  /** The drain deadline passed with polls still arriving: what they bring is stranded. */
  close(): void {
    this.intakeClosed = true;
  }

  /**
   * Polls until the run's intake signal is aborted, then waits until every outstanding poll came
   * back or was aborted and gave its slots back.
   */
  async loop(run: Run): Promise<void> {
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
    if (this.outstandingPolls > 0) {
      await new Promise<void>((resolve) => {
        this.pollsSettled = resolve;
      });
    }
  }

  /**
   * Wakes a waiting loop on the next turn of the event loop rather than at once: handlers that
   * finish in the same turn then free their slots together and the next poll asks for all of them.
   */
  readonly notify = (): void => {
    if (this.wakeLoop !== undefined && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(this.fireWake);
    }
  };

  /** Ends a hold at once (stop; or a backoff replacing an empty-poll delay). */
  clearHold(): void {
    if (this.holdTimer !== undefined) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    }
  }

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
      !this.host.isPaused() &&
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
      this.host.isPaused() ||
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
      messages = await this.host.poll(max, run.polls.signal, probe);
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
          this.host.handle(messages);
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

  private logInternalError(error: unknown): void {
    this.logger.error(
      `MQ consumer ${this.settings.name}: internal error in the poll loop: ${String(error)}`,
      error instanceof Error ? error.stack : undefined,
      LOG_CONTEXT,
    );
  }
}
