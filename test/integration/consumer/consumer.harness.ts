/**
 * Shared fixtures of the consumer-runtime integration tests: a real emulator on a virtual clock, a
 * real MQClient behind the real HTTP transport, an event sink that tests can wait on, a recording logger, and a condition waiter
 * that re-checks its predicates whenever something happens (events, dispatcher calls).
 */
import { afterEach, beforeEach } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { MQClient } from '../../../lib/client/index.js';
import type { MQReceivedMessage } from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../lib/emulator/index.js';
import { ConsumerRunner } from '../../../lib/nest/consumer/index.js';
import type { RunnerDeps } from '../../../lib/nest/consumer/index.js';
import type { ResolvedConsumerOptions } from '../../../lib/nest/consumer/consumer.contract.js';
import type { RunnerTransport } from '../../../lib/nest/consumer/runner-status.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import type { MQTransport } from '../../../lib/transport/index.js';
import type { MQEvent, MQEventType } from '../../../lib/nest/interfaces/mq-events.interface.js';

/** How long a wait may take before it fails with a diagnosis (a guard, never an assertion). */
const WAIT_GUARD_MS = 10_000;

export interface Harness {
  emulator: RunningEmulator;
  client: MQClient;
  /** The HTTP transport over `client` (what runners use). */
  transport: HttpMQTransport;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ clock: 'virtual', ...options });
  const client = new MQClient(emulator.endpoint, emulator.credentials, {
    instanceId: emulator.instanceId,
  });
  return {
    emulator,
    client,
    transport: new HttpMQTransport(client),
    async close() {
      await client.close();
      await emulator.stop();
    },
  };
}

/** Re-evaluates registered predicates whenever `poke()` is called. */
export class Conditions {
  private readonly pending = new Set<{ check: () => boolean; resolve: () => void }>();

  private recheckScheduled = false;

  /**
   * Re-checks now and once more on the next turn of the event loop, so that state a runner
   * updates in the microtasks right after an event or a handler's return (slots, acks) is seen.
   */
  poke(): void {
    this.check();
    if (!this.recheckScheduled && this.pending.size > 0) {
      this.recheckScheduled = true;
      setImmediate(() => {
        this.recheckScheduled = false;
        this.check();
      });
    }
  }

  /**
   * For state outside the test's reach (the emulator's waiters): re-checks every few ms until it
   * holds. A wait, never an assertion about time.
   */
  async eventually(check: () => boolean, label: string): Promise<void> {
    const ticker = setInterval(() => this.poke(), 5);
    try {
      await this.until(check, label);
    } finally {
      clearInterval(ticker);
    }
  }

  private check(): void {
    for (const entry of [...this.pending]) {
      if (entry.check()) {
        this.pending.delete(entry);
        entry.resolve();
      }
    }
  }

  until(check: () => boolean, label: string, describe?: () => string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry = {
        check,
        resolve: () => {
          clearTimeout(guard);
          resolve();
        },
      };
      const guard = setTimeout(() => {
        this.pending.delete(entry);
        reject(new Error(`Condition not met: ${label}${describe ? ` — ${describe()}` : ''}`));
      }, WAIT_GUARD_MS);
      this.pending.add(entry);
    });
  }
}

/** Event sink for the runners: records everything and pokes the conditions. */
export class EventLog {
  readonly events: MQEvent[] = [];

  constructor(private readonly conditions: Conditions) {}

  next(event: MQEvent): void {
    this.events.push(event);
    this.conditions.poke();
  }

  of<T extends MQEventType>(type: T): Extract<MQEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<MQEvent, { type: T }> => e.type === type);
  }

  count(type: MQEventType): number {
    let n = 0;
    for (const e of this.events) if (e.type === type) n++;
    return n;
  }

  /** Waits until at least `count` events of `type` were emitted. */
  waitFor(type: MQEventType, count = 1): Promise<void> {
    return this.conditions.until(
      () => this.count(type) >= count,
      `${count} × ${type}`,
      () => this.summary(),
    );
  }

  summary(): string {
    const counts = new Map<string, number>();
    for (const e of this.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    return [...counts].map(([t, n]) => `${t}=${n}`).join(' ') || 'no events';
  }
}

export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
}

export class RecordingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  debug(message: unknown): void {
    this.lines.push({ level: 'debug', message: String(message) });
  }
  verbose(message: unknown): void {
    this.lines.push({ level: 'verbose', message: String(message) });
  }
  fatal(message: unknown): void {
    this.lines.push({ level: 'fatal', message: String(message) });
  }
  at(level: LogLine['level']): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

export function consumerOptions(
  overrides: Partial<ResolvedConsumerOptions> & { topic: string; group: string },
): ResolvedConsumerOptions {
  return {
    name: `Test.${overrides.topic}`,
    connection: 'default',
    batchSize: 16,
    waitSeconds: 30,
    concurrency: 4,
    orderly: false,
    handlerTimeoutMs: 60_000,
    retryBackoff: { initialMs: 1_000, maxMs: 300_000 },
    autoStart: true,
    ...overrides,
  };
}

/** Long polls parked in the emulator right now (its health endpoint). */
export async function parkedLongPolls(h: Harness): Promise<number> {
  const response = await fetch(`${h.emulator.endpoint}/_emulator/health`);
  const body = (await response.json()) as { longPolls: number };
  return body.longPolls;
}

/**
 * Re-reads the emulator's parked long polls until `check` holds (a wait, not a timing check).
 * Also how a test waits for the emulator to see that an aborted poll's client has gone.
 */
export async function untilParked(
  h: Harness,
  check: (parked: number) => boolean,
  label: string,
): Promise<void> {
  const guard = Date.now() + WAIT_GUARD_MS;
  let parked = await parkedLongPolls(h);
  while (!check(parked)) {
    if (Date.now() > guard) throw new Error(`Condition not met: ${label} (parked=${parked})`);
    await new Promise((resolve) => setImmediate(resolve));
    parked = await parkedLongPolls(h);
  }
}

/** A promise with its resolver outside, for handlers the test releases. */
export interface Gate<T = void> {
  promise: Promise<T>;
  open(value: T): void;
}

export function gate<T = void>(): Gate<T> {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * The real transport with its calls recorded (poll count, ack sizes) — a pass-through, not a fake:
 * every call goes to the emulator over HTTP. `conditions` is poked when a poll starts.
 */
export class RecordingTransport implements RunnerTransport {
  readonly ackSizes: number[] = [];
  /** `max` of every poll, in the order they were sent. */
  readonly asked: number[] = [];
  polls = 0;
  /** Polls sent and not yet settled, and the most there ever were at once. */
  outstanding = 0;
  maxOutstanding = 0;
  /** Messages asked for by the polls still outstanding. */
  outstandingAsked = 0;
  /** Called as a poll is sent, before it is counted as outstanding (to check invariants). */
  onPoll: ((asked: number) => void) | undefined;
  readonly maxAckBatch: number;
  readonly supportsNack: boolean;
  readonly clientInvisibility: boolean;

  constructor(
    private readonly transport: MQTransport,
    private readonly conditions?: Conditions,
  ) {
    this.maxAckBatch = transport.maxAckBatch;
    this.supportsNack = transport.supportsNack;
    this.clientInvisibility = transport.clientInvisibility;
  }

  receive: RunnerTransport['receive'] = (request) =>
    this.track(request.max, () => this.transport.receive(request));
  receiveTransactionChecks: RunnerTransport['receiveTransactionChecks'] = (request) =>
    this.track(request.max, () => this.transport.receiveTransactionChecks(request));
  commit: RunnerTransport['commit'] = (topic, group, handle, options) =>
    this.transport.commit(topic, group, handle, options);
  rollback: RunnerTransport['rollback'] = (topic, group, handle, options) =>
    this.transport.rollback(topic, group, handle, options);
  nack: RunnerTransport['nack'] = (topic, group, message, delayMs, options) =>
    this.transport.nack(topic, group, message, delayMs, options);
  isConfigurationError: RunnerTransport['isConfigurationError'] = (error) =>
    this.transport.isConfigurationError(error);

  ack: RunnerTransport['ack'] = (topic, group, messages: readonly MQReceivedMessage[], options) => {
    this.ackSizes.push(messages.length);
    return this.transport.ack(topic, group, messages, options);
  };

  private track<T>(asked: number, send: () => Promise<T>): Promise<T> {
    this.onPoll?.(asked);
    this.asked.push(asked);
    this.polls++;
    this.outstanding++;
    this.outstandingAsked += asked;
    if (this.outstanding > this.maxOutstanding) this.maxOutstanding = this.outstanding;
    this.conditions?.poke();
    const settled = (): void => {
      this.outstanding--;
      this.outstandingAsked -= asked;
      this.conditions?.poke();
    };
    const sent = send();
    // Settle bookkeeping first (this reaction is registered before the runner's own await).
    sent.then(settled, settled);
    return sent;
  }
}

export async function publishMany(
  client: MQClient,
  topic: string,
  count: number,
  prefix = 'm',
): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = `${prefix}-${i}`;
    await client.publish(topic, { body });
    bodies.push(body);
  }
  return bodies;
}

export function groupStats(
  emulator: RunningEmulator,
  topic: string,
  group: string,
): { ready: number; inflight: number; delayed: number; deadLetter: number } {
  const stats = emulator.admin.groups().find((g) => g.topic === topic && g.group === group);
  return stats ?? { ready: 0, inflight: 0, delayed: 0, deadLetter: 0 };
}

/** Deps of a runner under test; transport, events and logger default to the test context's. */
export type RunnerTestDeps = Omit<RunnerDeps, 'transport' | 'events' | 'logger'> &
  Partial<Pick<RunnerDeps, 'transport' | 'events' | 'logger'>>;

/** What each runner test gets fresh: an emulator, client and transport, an event log, a recording logger. */
export interface RunnerTestContext {
  readonly h: Harness;
  readonly conditions: Conditions;
  readonly events: EventLog;
  readonly logger: RecordingLogger;
  /** Builds the test's runner (not started); it is stopped after the test, whatever happened. */
  createRunner(options: ResolvedConsumerOptions, deps: RunnerTestDeps): ConsumerRunner;
  /** Runs after the runner stopped and before the harness closes (e.g. an extra client's close). */
  onCleanup(cleanup: () => Promise<void>): void;
}

/**
 * Registers the per-test setup and teardown of a runner spec (call it inside `describe`): a fresh
 * harness before each test; after it, the runner stopped (1 s drain, idempotent) and the harness closed.
 */
export function useRunnerHarness(options: EmulatorOptions = {}): RunnerTestContext {
  let current: { h: Harness; conditions: Conditions; events: EventLog; logger: RecordingLogger };
  let runner: ConsumerRunner | undefined;
  let cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    const h = await startHarness(options);
    const conditions = new Conditions();
    current = { h, conditions, events: new EventLog(conditions), logger: new RecordingLogger() };
  });
  afterEach(async () => {
    await runner?.stop(1_000);
    runner = undefined;
    for (const cleanup of cleanups) await cleanup();
    cleanups = [];
    await current.h.close();
  });
  return {
    get h() {
      return current.h;
    },
    get conditions() {
      return current.conditions;
    },
    get events() {
      return current.events;
    },
    get logger() {
      return current.logger;
    },
    createRunner(consumer, deps) {
      runner = new ConsumerRunner(consumer, {
        transport: current.h.transport,
        events: current.events,
        logger: current.logger,
        ...deps,
      });
      return runner;
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}

/** A dispatcher that records each body, pokes the conditions and acks. */
export function recordBodiesAndAck(
  bodies: string[],
  conditions: Conditions,
): RunnerDeps['dispatch'] {
  return async (message) => {
    bodies.push(message.body);
    conditions.poke();
    return { outcome: 'ack' };
  };
}
