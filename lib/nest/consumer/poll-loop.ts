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
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../transport/index.js';
import { asError, PollBackoff, sleep } from './poll-backoff.js';
import { RunnerEvents } from './runner-events.js';
import type { PollLoopDeps, RunnerStatus } from './runner-status.js';
import { HandlerSlots } from './slots.js';

const LOG_CONTEXT = 'MQConsumer';
/** Transient poll errors are logged at most this often (each one is still an event). */
const TRANSIENT_LOG_INTERVAL_MS = 10_000;
/** Auth/config errors are logged at error level at most this often. */
const UNHEALTHY_LOG_INTERVAL_MS = 60_000;
/** The largest batch of any transport (RocketMQ 5: 32; the options resolver applies each one's own). */
const MAX_BATCH_SIZE = 32;

export interface PollLoopSettings {
  name: string;
  topic: string;
  group: string;
  batchSize: number;
  waitSeconds: number;
  concurrency: number;
  /**
   * Most polls outstanding at once (default 1). Above 1, a further poll is only sent when the free
   * slots fill a whole batch. Orderly consumers keep 1 (see ConsumerRunner).
   */
  maxPolls?: number;
}

type Lifecycle = 'idle' | 'running' | 'stopping' | 'stopped';

export abstract class PollLoop {
  protected readonly slots: HandlerSlots;
  protected readonly events: RunnerEvents;
  protected readonly logger: LoggerService;
  protected readonly settings: PollLoopSettings;

  private lifecycle: Lifecycle = 'idle';
  private paused = false;
  private backingOff = false;
  private unhealthy = false;
  private runController: AbortController | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private stopDone: Promise<void> | undefined;
  /** Resolver of the loop's wait for a free slot / resume / stop. */
  private wakeLoop: (() => void) | undefined;
  private wakeScheduled = false;
  private readonly maxPolls: number;
  /** Polls sent and not yet settled (their slots are reserved). */
  private outstandingPolls = 0;
  /** Resolver of the stopping loop's wait for its outstanding polls. */
  private pollsSettled: (() => void) | undefined;
  /**
   * While set, no new poll is sent: a poll-error backoff or the pause after an empty short poll.
   * One timer for the whole loop (not one per poll), so overlapping polls that fail together do not
   * stack delays, events or logs.
   */
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Counts reported poll failures. A poll remembers the count at send time: if another failure was
   * reported meanwhile, its own outcome says nothing new about the server's health (overlapping
   * polls fail together when the server goes away) and is neither reported nor taken as recovery.
   */
  private failureEpoch = 0;
  private readonly backoff: PollBackoff;
  private readonly isConfigurationError: (error: unknown) => boolean;
  private readonly unhealthyBackoffMs: number;
  private readonly emptyPollDelayMs: number;
  private failingSinceMs: number | undefined;
  private lastFailure: Error | undefined;
  private lastTransientLogAt = -Infinity;
  private suppressedTransientLogs = 0;
  private lastUnhealthyLogAt = -Infinity;

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
    this.backoff = new PollBackoff(
      deps.backoff?.initialMs ?? 500,
      deps.backoff?.maxMs ?? 30_000,
      deps.random ?? Math.random,
    );
    this.isConfigurationError = (error) => deps.transport.isConfigurationError(error);
    this.unhealthyBackoffMs = deps.unhealthyBackoffMs ?? 60_000;
    if (!(this.unhealthyBackoffMs > 0)) {
      throw new RangeError(`unhealthyBackoffMs must be > 0, got ${this.unhealthyBackoffMs}`);
    }
    this.emptyPollDelayMs = deps.emptyPollDelayMs ?? 1_000;
  }

  get status(): RunnerStatus {
    const lifecycle = this.lifecycle;
    if (lifecycle !== 'running') return lifecycle;
    if (this.paused) return 'paused';
    if (this.unhealthy) return 'unhealthy';
    if (this.backingOff) return 'backing-off';
    return 'running';
  }

  /**
   * When the current run of failed polls began (epoch ms): set by the first reported failure,
   * cleared by the first poll that returns afterwards and by stop. Health reads it.
   */
  get failingSince(): number | undefined {
    return this.failingSinceMs;
  }

  /** The last reported poll failure of the current run (undefined while polls succeed). */
  get lastPollError(): Error | undefined {
    return this.lastFailure;
  }

  /** Messages taken from the broker and not yet done with (handlers running or queued in a key). */
  get inFlight(): number {
    return this.slots.used;
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
    this.stopDone = undefined;
    const controller = new AbortController();
    this.runController = controller;
    this.events.lifecycle('consumer.started');
    this.loopDone = this.loop(controller.signal);
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
   * Aborts every outstanding long poll and any backoff at once, lets running handlers finish until
   * `drainTimeoutMs` (then aborts their signals and stops waiting: those messages stay unacked and
   * come back later), flushes pending acks, emits consumer.stopped. Idempotent; never rejects.
   * A non-finite drainTimeoutMs waits for the handlers without a deadline.
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

  /** One poll for at most `max` messages; rejects with the transport's typed errors. */
  protected abstract poll(max: number, signal: AbortSignal): Promise<MQReceivedMessage[]>;
  /** Takes over a batch; one slot per message is already taken. Must not throw. */
  protected abstract handle(messages: MQReceivedMessage[]): void;
  /** Drain deadline reached: abort the signals of everything still running. */
  protected abstract abandonRunning(drainTimeoutMs: number): void;
  /** Sends what is still pending (acks); never rejects. */
  protected abstract flushPending(): Promise<void>;

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

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.sendPolls(signal);
        await this.waitForWake();
      } catch (error) {
        // Only a defect (ours, or a throwing logger) gets here. A consumer that keeps polling
        // after a pause is better than one that is silently dead while its status says running.
        this.logInternalError(error);
        await sleep(this.backoff.next(), signal);
      }
    }
    // Stop aborted every outstanding poll through `signal`; wait until each gave its slots back.
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
  private sendPolls(signal: AbortSignal): void {
    const batchSize = this.settings.batchSize;
    while (
      !this.paused &&
      this.holdTimer === undefined &&
      !signal.aborted &&
      this.outstandingPolls < this.maxPolls
    ) {
      const free = this.slots.free;
      if (free === 0 || (this.outstandingPolls > 0 && free < batchSize)) return;
      const max = free < batchSize ? free : batchSize;
      this.slots.reserve(max);
      this.outstandingPolls++;
      void this.runPoll(max, signal);
    }
  }

  /** One poll: settles its reservation, hands the batch over, or reports the error. */
  private async runPoll(max: number, signal: AbortSignal): Promise<void> {
    const epoch = this.failureEpoch;
    let messages: MQReceivedMessage[] | undefined;
    let failure: unknown;
    try {
      messages = await this.poll(max, signal);
    } catch (error) {
      failure = error;
    }
    const count = messages === undefined ? 0 : messages.length;
    this.slots.settleReservation(max, count);
    try {
      if (messages === undefined) {
        // Our own abort (stop) is how a poll ends, not an error.
        if (!signal.aborted && epoch === this.failureEpoch) this.onPollError(failure);
      } else {
        if ((this.backingOff || this.unhealthy) && epoch === this.failureEpoch) {
          this.onPollRecovered();
        }
        if (count === 0) {
          // Short polling: an empty answer pauses the loop instead of spinning.
          if (this.settings.waitSeconds === 0) this.hold(this.emptyPollDelayMs);
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
      this.sendPolls(signal);
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

  /**
   * A poll sent after the last reported failure failed: one event, one (rate-limited) log line and
   * one backoff step for the loop, whatever the number of polls that were outstanding.
   */
  private onPollError(error: unknown): void {
    this.failureEpoch++;
    const err = asError(error);
    this.failingSinceMs ??= Date.now();
    this.lastFailure = err;
    const { name, topic, group } = this.settings;
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
    // An empty-poll delay under way gives way to the backoff.
    this.clearHold();
    this.hold(delay);
  }

  private onPollRecovered(): void {
    this.backingOff = false;
    this.failingSinceMs = undefined;
    this.lastFailure = undefined;
    this.backoff.reset();
    if (this.unhealthy) {
      this.unhealthy = false;
      this.lastUnhealthyLogAt = -Infinity;
      this.logger.log(
        `MQ consumer ${this.settings.name} on ${this.settings.topic} @ ${this.settings.group} recovered`,
        LOG_CONTEXT,
      );
      this.events.lifecycle('consumer.recovered');
    }
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    this.lifecycle = 'stopping';
    // One signal for every outstanding poll: they are all aborted at once.
    this.runController?.abort();
    this.clearHold();
    this.notify();
    try {
      await this.loopDone;
      if (this.slots.used > 0) {
        const drained = await this.waitForDrain(drainTimeoutMs);
        if (!drained) this.abandonRunning(drainTimeoutMs);
      }
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
      this.backingOff = false;
      this.unhealthy = false;
      this.failingSinceMs = undefined;
      this.lastFailure = undefined;
      this.clearHold();
      this.events.lifecycle('consumer.stopped');
    }
  }

  /** True when every slot was given back before the deadline. */
  private async waitForDrain(drainTimeoutMs: number): Promise<boolean> {
    const idle = this.slots.whenIdle();
    if (!Number.isFinite(drainTimeoutMs)) {
      await idle;
      return true;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, drainTimeoutMs), false);
    });
    try {
      return await Promise.race([idle.then(() => true), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function validateSettings(settings: PollLoopSettings): void {
  const { name, batchSize, waitSeconds, concurrency } = settings;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(
      `MQ consumer ${name}: batchSize must be an integer in 1..${MAX_BATCH_SIZE}, got ${batchSize}`,
    );
  }
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > 30) {
    throw new RangeError(
      `MQ consumer ${name}: waitSeconds must be an integer in 0..30, got ${waitSeconds}`,
    );
  }
  if (
    settings.maxPolls !== undefined &&
    (!Number.isInteger(settings.maxPolls) || settings.maxPolls < 1)
  ) {
    throw new RangeError(
      `MQ consumer ${name}: maxPolls must be an integer >= 1, got ${settings.maxPolls}`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `MQ consumer ${name}: concurrency must be an integer >= 1, got ${concurrency}`,
    );
  }
}
