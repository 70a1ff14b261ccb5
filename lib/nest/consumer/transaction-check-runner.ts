/**
 * Answers the broker's transaction checks (on HTTP, trans=pop polls): receives undecided half
 * messages of a transactional topic once their check immunity passed, asks the application's
 * checker, and commits or rolls back. 'unknown', a throw or a timeout leave the message alone: the broker checks
 * it again about every 10 s (for up to 24 h).
 */
import {
  MQServiceError,
  type MQAckResult,
  type MQCheckRequest,
  type MQReceivedMessage,
} from '../../transport/index.js';
import {
  ActiveDelivery,
  DELIVERY_DONE,
  DELIVERY_RUNNING,
  DELIVERY_TIMED_OUT,
  DeliveryTracker,
  type DeliveryTimeoutOwner,
} from './delivery-tracker.js';
import { PollLoop, PROBE_TIMEOUT_MS } from './poll-loop.js';
import type { PollLoopDeps, RunnerTransport } from './runner-status.js';
import type { CheckDecision } from './runner-events.js';
import { MQDrainTimeoutError, MQHandlerTimeoutError } from './runtime.errors.js';
import { withTransientRetry, type TransientRetryPolicy } from './transient-retry.js';

const LOG_CONTEXT = 'MQTransactionChecker';

/** Refusals that mean "this handle is no longer valid" (expired, superseded or used). */
const HANDLE_GONE: ReadonlySet<string> = new Set(['MessageNotExist', 'ReceiptHandleError']);

export type TransactionCheckDecision = CheckDecision;

export interface TransactionCheckOptions {
  /** Stable name for events and logs, e.g. `Class.method`. */
  name: string;
  /** The transactional topic. */
  topic: string;
  /** The transaction producer's group. */
  group: string;
  batchSize: number;
  waitSeconds: number;
  concurrency: number;
  /**
   * Abort the checker's signal and leave the message after this (default 8 000 ms: a check's
   * handle is valid for only about 10 s, so a later answer could not be delivered anyway).
   * <= 0 or non-finite: no timeout.
   */
  checkTimeoutMs?: number;
}

export type TransactionChecker = (
  message: MQReceivedMessage,
  signal: AbortSignal,
) => Promise<TransactionCheckDecision>;

export interface TransactionCheckDeps extends PollLoopDeps {
  check: TransactionChecker;
}

export class TransactionCheckRunner extends PollLoop implements DeliveryTimeoutOwner {
  readonly options: TransactionCheckOptions;
  private readonly transport: RunnerTransport;
  private readonly check: TransactionChecker;
  private readonly tracker = new DeliveryTracker();
  private readonly timeoutMs: number;
  /** The fixed part of every poll's request (each poll adds its `max` and `signal`). */
  private readonly request: MQCheckRequest;
  private readonly retryPolicy: TransientRetryPolicy;
  /** Monotonic ms no commit/rollback runs past (set while stopping); Infinity = none. */
  private deadlineAt = Infinity;

  constructor(options: TransactionCheckOptions, deps: TransactionCheckDeps) {
    super(options, deps);
    if (typeof deps.check !== 'function') {
      throw new TypeError(`MQ transaction checker ${options.name}: deps.check must be a function`);
    }
    this.options = options;
    this.transport = deps.transport;
    this.check = deps.check;
    const timeout = options.checkTimeoutMs ?? 8_000;
    this.timeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : 0;
    this.request = {
      topic: options.topic,
      group: options.group,
      max: options.batchSize,
      waitSeconds: options.waitSeconds,
    };
    this.retryPolicy = { retries: 2, initialDelayMs: 100, random: deps.random ?? Math.random };
  }

  protected poll(max: number, signal: AbortSignal, probe: boolean): Promise<MQReceivedMessage[]> {
    return this.transport.receiveTransactionChecks(
      probe
        ? { ...this.request, max, signal, waitSeconds: 0, timeoutMs: PROBE_TIMEOUT_MS }
        : { ...this.request, max, signal },
    );
  }

  protected handle(messages: MQReceivedMessage[]): void {
    for (let i = 0; i < messages.length; i++) void this.runCheck(messages[i]!);
  }

  protected abandonRunning(drainTimeoutMs: number): void {
    const abandoned = this.tracker.abandonAll(
      (delivery) => new MQDrainTimeoutError(delivery.message.messageId, drainTimeoutMs),
    );
    for (const delivery of abandoned) {
      this.events.failed(delivery.message, delivery.abortReason, Date.now() - delivery.startedAt);
    }
  }

  protected flushPending(): Promise<void> {
    // Commits and rollbacks run inside the check's slot, so the drain already waited for them.
    return Promise.resolve();
  }

  protected limitPendingWork(deadlineAt: number): void {
    this.deadlineAt = deadlineAt;
  }

  onDeliveryTimeout(delivery: ActiveDelivery): void {
    const message = delivery.message;
    const error = new MQHandlerTimeoutError(message.messageId, this.timeoutMs);
    delivery.state = DELIVERY_TIMED_OUT;
    delivery.abort(error);
    this.logger.warn(
      `MQ transaction checker ${this.options.name}: check of half message ${message.messageId} on ${this.options.topic} timed out after ${this.timeoutMs} ms; left for the next check`,
      LOG_CONTEXT,
    );
    this.events.failed(message, error, Date.now() - delivery.startedAt);
  }

  private async runCheck(message: MQReceivedMessage): Promise<void> {
    const delivery = new ActiveDelivery(message, this);
    this.tracker.add(delivery);
    try {
      this.events.received(message);
      if (this.timeoutMs > 0) delivery.armTimeout(this.timeoutMs);
      let decision: TransactionCheckDecision;
      try {
        decision = await this.check(message, delivery.signal);
      } catch (error) {
        delivery.disarmTimeout();
        if (delivery.state !== DELIVERY_RUNNING) return;
        delivery.state = DELIVERY_DONE;
        this.logger.warn(
          `MQ transaction checker ${this.options.name}: check of half message ${message.messageId} (check ${message.consumedTimes}) on ${this.options.topic} threw; left for the next check: ${error instanceof Error ? error.message : String(error)}`,
          LOG_CONTEXT,
        );
        this.events.failed(message, error, Date.now() - delivery.startedAt);
        return;
      }
      delivery.disarmTimeout();
      // Timed out or abandoned: already reported; the broker will ask again.
      if (delivery.state !== DELIVERY_RUNNING) return;
      delivery.state = DELIVERY_DONE;
      if (decision === 'commit' || decision === 'rollback') {
        await this.resolve(delivery, decision);
        return;
      }
      if (decision !== 'unknown') {
        this.logger.warn(
          `MQ transaction checker ${this.options.name}: check of half message ${message.messageId} answered ${String(decision)}, expected 'commit', 'rollback' or 'unknown'; treated as unknown`,
          LOG_CONTEXT,
        );
      }
      this.events.succeeded(message, Date.now() - delivery.startedAt, 'unknown');
    } catch (error) {
      this.logger.error(
        `MQ transaction checker ${this.options.name}: internal error on half message ${message.messageId}: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
        LOG_CONTEXT,
      );
    } finally {
      delivery.disarmTimeout();
      this.tracker.delete(delivery);
      this.slots.release();
    }
  }

  private async resolve(delivery: ActiveDelivery, decision: 'commit' | 'rollback'): Promise<void> {
    const message = delivery.message;
    const { topic, group } = this.options;
    const handle = message.receiptHandle;
    const outcome = await withTransientRetry(
      (timeoutMs) => {
        const options = timeoutMs === undefined ? undefined : { timeoutMs };
        return decision === 'commit'
          ? this.transport.commit(topic, group, handle, options)
          : this.transport.rollback(topic, group, handle, options);
      },
      this.retryPolicy,
      message.nextConsumeTime,
      this.deadlineAt,
    );
    const result: MQAckResult | undefined = outcome.value;
    if (result === undefined) {
      const error = outcome.error;
      const code = error instanceof MQServiceError ? error.code : asName(error);
      const text = error instanceof Error ? error.message : String(error);
      this.reportResolveFailure(message, decision, code, text, outcome.uncertain);
      return;
    }
    const failure = result.failed[0];
    if (failure === undefined) {
      this.events.succeeded(message, Date.now() - delivery.startedAt, decision, true);
      return;
    }
    if (outcome.uncertain && HANDLE_GONE.has(failure.code)) {
      // The earlier attempt's answer was lost and the handle has been used since: that is what
      // the earlier attempt having settled the message looks like.
      this.logger.log(
        `MQ transaction checker ${this.options.name}: ${decision} of half message ${message.messageId} on ${this.options.topic}: an earlier attempt's answer was lost and the retry found the handle already used (${failure.code}), so that attempt most likely went through; if it did not, the broker checks the message again`,
        LOG_CONTEXT,
      );
      this.events.succeeded(message, Date.now() - delivery.startedAt, decision, false);
      return;
    }
    this.reportResolveFailure(message, decision, failure.code, failure.message, false);
  }

  private reportResolveFailure(
    message: MQReceivedMessage,
    decision: 'commit' | 'rollback',
    code: string,
    text: string,
    maybeDone: boolean,
  ): void {
    this.logger.warn(
      `MQ transaction checker ${this.options.name}: ${decision} of half message ${message.messageId} on ${this.options.topic} failed (${code}: ${text}); ` +
        (maybeDone
          ? 'an attempt may have reached the broker and settled it; if not, the broker checks it again'
          : 'the broker will check it again'),
      LOG_CONTEXT,
    );
    this.events.ackFailed(message, code, text, maybeDone);
  }
}

function asName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}
