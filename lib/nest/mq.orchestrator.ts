import {
  Injectable,
  type BeforeApplicationShutdown,
  type LoggerService,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ExternalContextCreator, ModuleRef } from '@nestjs/core';
import { ConsumerRunner, TransactionCheckRunner, type RunnerStatus } from './consumer/index.js';
import { createBatchDispatcher } from './dispatcher/batch.dispatcher.js';
import { DispatchTracker } from './dispatcher/dispatch.tracker.js';
import { HandlerPipeline } from './dispatcher/handler.pipeline.js';
import {
  createExhaustedHandler,
  createMessageDispatcher,
} from './dispatcher/message.dispatcher.js';
import { MQParamsFactory } from './dispatcher/mq-params.factory.js';
import { createTransactionChecker } from './dispatcher/transaction-check.dispatcher.js';
import type { MQHandlerDefinition } from './interfaces/mq-handler-definition.interface.js';
import type { MQConnection } from './mq.connection.js';
import { MQEventStream } from './mq.event-stream.js';
import { createMQLogger } from './mq.logger.js';
import { checkerStartLine, consumerStartLine } from './mq.messages.js';
import type { RunnerSnapshot } from './telemetry/telemetry.contract.js';

/** What the orchestrator needs of a runner (both runtimes have it). */
interface Runner {
  readonly status: RunnerStatus;
  readonly inFlight: number;
  /** When its polls began failing (undefined while they succeed), and the last failure. */
  readonly failingSince: number | undefined;
  readonly lastPollError: Error | undefined;
  start(): void;
  pause(): void;
  resume(): void;
  stop(drainTimeoutMs: number): Promise<void>;
}

/** One discovered handler, its connection and (once started) its runner. */
export interface MQRunnerEntry {
  readonly definition: MQHandlerDefinition;
  readonly connection: MQConnection;
  runner?: Runner;
}

/**
 * Owns the runners: builds them (pipeline + dispatcher + runtime), starts them in
 * onApplicationBootstrap, and stops them all in parallel at the first shutdown hook, each within
 * its connection's drain deadline, before the connections close their transports.
 */
@Injectable()
export class MQOrchestrator
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  /** Every runner's events; exposed read-only as `MQConsumerRegistry.events$`. */
  readonly events = new MQEventStream();
  /** Every registered connection, by name (health reports those without consumers too). */
  readonly connections = new Map<string, MQConnection>();
  private readonly entries = new Map<string, MQRunnerEntry>();
  private readonly tracker = new DispatchTracker();
  private readonly paramsFactory = new MQParamsFactory(this.tracker);
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly contextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Called once by the explorer with the validated handlers. */
  register(connections: Map<string, MQConnection>, definitions: MQHandlerDefinition[]): void {
    for (const definition of definitions) {
      const connection = connections.get(definition.options.connection)!;
      this.entries.set(definition.options.name, { definition, connection });
    }
    for (const [name, connection] of connections) {
      this.connections.set(name, connection);
      connection.telemetry.observeRunners(() => this.snapshots(connection));
    }
  }

  get all(): IterableIterator<MQRunnerEntry> {
    return this.entries.values();
  }

  find(name: string): MQRunnerEntry | undefined {
    return this.entries.get(name);
  }

  onApplicationBootstrap(): void {
    // An OpenTelemetry SDK started in some provider's onModuleInit is registered by now.
    for (const connection of this.connections.values()) connection.telemetry.refresh();
    const disabled = new Map<MQConnection, number>();
    for (const entry of this.entries.values()) {
      if (!entry.connection.options.consumersEnabled) {
        disabled.set(entry.connection, (disabled.get(entry.connection) ?? 0) + 1);
      } else if (entry.definition.options.autoStart) {
        this.start(entry);
      }
    }
    for (const [connection, count] of disabled) {
      connection.logger.log(
        `consumers disabled on connection "${connection.name}" (consumersEnabled: false): ${count} not started`,
      );
    }
  }

  /** Starts (or restarts after a stop) one handler's runner. */
  start(entry: MQRunnerEntry): void {
    if (this.stopping !== undefined) return;
    entry.runner ??= this.createRunner(entry);
    const status = entry.runner.status;
    if (status !== 'idle' && status !== 'stopped') return;
    entry.runner.start();
    entry.connection.logger.log(describe(entry.definition));
  }

  async stop(entry: MQRunnerEntry): Promise<void> {
    await entry.runner?.stop(entry.connection.options.drainTimeoutMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopAll();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stopAll();
  }

  /** Stops intake everywhere at once and drains in parallel: shutdown takes the longest handler. */
  private stopAll(): Promise<void> {
    this.stopping ??= Promise.all([...this.entries.values()].map((entry) => this.stop(entry))).then(
      () => this.events.complete(),
    );
    return this.stopping;
  }

  private createRunner(entry: MQRunnerEntry): Runner {
    const { definition, connection } = entry;
    const options = connection.options;
    const pipeline = new HandlerPipeline(definition.target, {
      contextCreator: this.contextCreator,
      moduleRef: this.moduleRef,
      paramsFactory: this.paramsFactory,
      tracker: this.tracker,
    });
    // Tracing and metrics wrap what the runner calls; without them the hooks return it unchanged.
    const telemetry = connection.telemetry.runnerHooks(definition.options);
    const common = {
      transport: telemetry.transport(connection.transport),
      events: this.events,
      backoff: options.pollBackoff,
    };
    if (definition.kind === 'checker') {
      const logger = createMQLogger(
        options.logger,
        `MQTransactionChecker:${definition.options.name}`,
      );
      const check = telemetry.checker(createTransactionChecker(definition, pipeline, logger));
      return new TransactionCheckRunner(definition.options, { ...common, logger, check });
    }
    const logger: LoggerService = createMQLogger(
      options.logger,
      `MQConsumer:${definition.options.name}`,
    );
    const onExhausted = createExhaustedHandler(definition, pipeline, logger);
    const deps = { ...common, logger, ...(onExhausted !== undefined && { onExhausted }) };
    if (definition.options.batch === true) {
      const dispatchBatch = telemetry.batchDispatcher(
        createBatchDispatcher(definition, pipeline, options),
      );
      return new ConsumerRunner(definition.options, { ...deps, dispatchBatch });
    }
    const dispatch = telemetry.dispatcher(createMessageDispatcher(definition, pipeline, options));
    return new ConsumerRunner(definition.options, { ...deps, dispatch });
  }

  /** The connection's runners as the telemetry gauges read them. */
  private *snapshots(connection: MQConnection): Iterable<RunnerSnapshot> {
    for (const { definition, connection: owner, runner } of this.entries.values()) {
      if (owner !== connection) continue;
      const o = definition.options;
      yield {
        name: o.name,
        topic: o.topic,
        group: o.group,
        status: runner?.status ?? 'idle',
        inFlight: runner?.inFlight ?? 0,
      };
    }
  }
}

function describe(definition: MQHandlerDefinition): string {
  const { label } = definition.target;
  const o = definition.options;
  if (definition.kind === 'checker') {
    return checkerStartLine(label, o.topic, o.group, o.concurrency, o.batchSize, o.waitSeconds);
  }
  const c = definition.options;
  return consumerStartLine(
    label,
    c.topic,
    c.tags,
    c.group,
    c.concurrency,
    c.batchSize,
    c.waitSeconds,
    c.orderly,
    c.batch === true,
  );
}
