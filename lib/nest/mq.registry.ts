import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { RunnerStatus } from './consumer/index.js';
import type { MQEvent } from './interfaces/mq-events.interface.js';
import { MQOrchestrator, type MQRunnerEntry } from './mq.orchestrator.js';

/** A consumer or transaction checker as the registry reports it. */
export interface MQConsumerInfo {
  name: string;
  kind: 'consumer' | 'transaction-checker';
  topic: string;
  group: string;
  /** Tag filter (consumers only). */
  tags?: string[];
  connection: string;
  /** `idle` until started (e.g. `autoStart: false` or `consumersEnabled: false`). */
  status: RunnerStatus;
  /** Messages taken from the broker and not done with yet. */
  inFlight: number;
}

/**
 * Runtime control of consumers and transaction checkers: list, pause/resume (no new polls;
 * running handlers continue), start/stop (stop drains within the connection's drainTimeoutMs),
 * and `events$`, every runner's events as one stream.
 */
@Injectable()
export class MQConsumerRegistry {
  /** Events of every consumer (see `MQEvent`); completes when the application shuts down. */
  readonly events$: Observable<MQEvent>;

  constructor(private readonly orchestrator: MQOrchestrator) {
    this.events$ = orchestrator.events.asObservable();
  }

  list(): MQConsumerInfo[] {
    return [...this.orchestrator.all].map(info);
  }

  get(name: string): MQConsumerInfo | undefined {
    const entry = this.orchestrator.find(name);
    return entry === undefined ? undefined : info(entry);
  }

  /** Starts one handler (by name) or every one not running. Works with `consumersEnabled: false`. */
  start(name?: string): void {
    for (const entry of this.select(name)) this.orchestrator.start(entry);
  }

  pause(name?: string): void {
    for (const entry of this.select(name)) entry.runner?.pause();
  }

  resume(name?: string): void {
    for (const entry of this.select(name)) entry.runner?.resume();
  }

  /** Stops polling and waits for running handlers (at most the connection's drainTimeoutMs). */
  async stop(name?: string): Promise<void> {
    await Promise.all(this.select(name).map((entry) => this.orchestrator.stop(entry)));
  }

  private select(name: string | undefined): MQRunnerEntry[] {
    if (name === undefined) return [...this.orchestrator.all];
    const entry = this.orchestrator.find(name);
    if (entry === undefined) {
      const known = [...this.orchestrator.all].map((e) => `"${e.definition.options.name}"`);
      throw new Error(
        `MQConsumerRegistry: no consumer named "${name}" (known: ${known.join(', ') || 'none'})`,
      );
    }
    return [entry];
  }
}

function info(entry: MQRunnerEntry): MQConsumerInfo {
  const { definition, connection, runner } = entry;
  const o = definition.options;
  return {
    name: o.name,
    kind: definition.kind === 'consumer' ? 'consumer' : 'transaction-checker',
    topic: o.topic,
    group: o.group,
    ...(definition.kind === 'consumer' &&
      definition.options.tags !== undefined && { tags: definition.options.tags }),
    connection: connection.name,
    status: runner?.status ?? 'idle',
    inFlight: runner?.inFlight ?? 0,
  };
}
