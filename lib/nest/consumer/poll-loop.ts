/**
 * The long-poll loop shared by consumers and transaction checkers: lifecycle (start, pause, resume,
 * stop with drain), slot-bounded polling, poll-error backoff and health. Subclasses say how to poll
 * and what to do with a batch.
 *
 * Loop: wait for a free slot → poll for min(batchSize, free slots) → take one slot per message and
 * hand the batch over without awaiting it → poll again. Never asking for more than free slots means
 * no receipt handle waits in a local buffer while its invisibility window runs out.
 */
import type { LoggerService } from '@nestjs/common';
import type { MQReceivedMessage } from '../../client/client.types.js';
import { asError, classifyPollError, PollBackoff, sleep } from './poll-backoff.js';
import { RunnerEvents } from './runner-events.js';
import type { PollLoopDeps, RunnerStatus } from './runner-status.js';
import { HandlerSlots } from './slots.js';

const LOG_CONTEXT = 'MQConsumer';
/** Transient poll errors are logged at most this often (each one is still an event). */
const TRANSIENT_LOG_INTERVAL_MS = 10_000;
/** Auth/config errors are logged at error level at most this often. */
const UNHEALTHY_LOG_INTERVAL_MS = 60_000;

export interface PollLoopSettings {
  name: string;
  topic: string;
  group: string;
  batchSize: number;
  waitSeconds: number;
  concurrency: number;
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
  private readonly backoff: PollBackoff;
  private readonly unhealthyBackoffMs: number;
  private readonly emptyPollDelayMs: number;
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
    this.backoff = new PollBackoff(
      deps.backoff?.initialMs ?? 500,
      deps.backoff?.maxMs ?? 30_000,
      deps.random ?? Math.random,
    );
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
   * Aborts the long poll and any backoff sleep at once, lets running handlers finish until
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

  /** One poll for at most `max` messages; rejects with the client's typed errors. */
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
        await this.pollOnce(signal);
      } catch (error) {
        // Only a defect (ours, or a throwing logger) gets here. A consumer that keeps polling
        // after a pause is better than one that is silently dead while its status says running.
        this.logger.error(
          `MQ consumer ${this.settings.name}: internal error in the poll loop: ${String(error)}`,
          error instanceof Error ? error.stack : undefined,
          LOG_CONTEXT,
        );
        await sleep(this.backoff.next(), signal);
      }
    }
  }

  /** One turn of the loop: wait for a slot (or resume), or poll and hand the batch over. */
  private async pollOnce(signal: AbortSignal): Promise<void> {
    const free = this.slots.free;
    if (this.paused || free === 0) {
      await this.waitForWake();
      return;
    }
    const batchSize = this.settings.batchSize;
    let messages: MQReceivedMessage[];
    try {
      messages = await this.poll(free < batchSize ? free : batchSize, signal);
    } catch (error) {
      // Our own abort (stop) is how a poll ends, not an error.
      if (!signal.aborted) await this.onPollError(error, signal);
      return;
    }
    if (this.backingOff || this.unhealthy) this.onPollRecovered();
    const count = messages.length;
    if (count === 0) {
      if (this.settings.waitSeconds === 0) await sleep(this.emptyPollDelayMs, signal);
      return;
    }
    this.slots.acquire(count);
    this.handle(messages);
  }

  private async onPollError(error: unknown, signal: AbortSignal): Promise<void> {
    const err = asError(error);
    const { name, topic, group } = this.settings;
    let delay: number;
    if (classifyPollError(error) === 'unhealthy') {
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
    await sleep(delay, signal);
  }

  private onPollRecovered(): void {
    this.backingOff = false;
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
    this.runController?.abort();
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
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 16) {
    throw new RangeError(
      `MQ consumer ${name}: batchSize must be an integer in 1..16, got ${batchSize}`,
    );
  }
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > 30) {
    throw new RangeError(
      `MQ consumer ${name}: waitSeconds must be an integer in 0..30, got ${waitSeconds}`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `MQ consumer ${name}: concurrency must be an integer >= 1, got ${concurrency}`,
    );
  }
}
