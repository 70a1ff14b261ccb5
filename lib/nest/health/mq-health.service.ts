import { Injectable } from '@nestjs/common';
import { DEFAULT_CONNECTION } from '../mq.constants.js';
import { MQOrchestrator } from '../mq.orchestrator.js';
import { connectionHealth, type MQConnectionHealth } from './connection.health.js';

/**
 * The health of each connection, from its runners' status and its publishes' outcomes (see
 * `connection.health.ts`). Internal: `nestjs-aliyun-mq/terminus` presents it to Terminus.
 */
@Injectable()
export class MQHealthService {
  constructor(private readonly orchestrator: MQOrchestrator) {}

  /** Names of the registered connections. */
  connections(): string[] {
    return [...this.orchestrator.connections.keys()];
  }

  /** Throws when no `MQModule.forRoot()` registers `connection`. */
  check(connection: string = DEFAULT_CONNECTION, downAfterMs: number): MQConnectionHealth {
    const found = this.orchestrator.connections.get(connection);
    if (found === undefined) {
      const known = this.connections().map((name) => `"${name}"`);
      throw new Error(
        `MQ health: no connection named "${connection}" (registered: ${known.join(', ') || 'none'})`,
      );
    }
    const runners = [...this.orchestrator.all]
      .filter((entry) => entry.connection === found)
      .map((entry) => {
        const o = entry.definition.options;
        const runner = entry.runner;
        return {
          name: o.name,
          kind:
            entry.definition.kind === 'consumer'
              ? ('consumer' as const)
              : ('transaction-checker' as const),
          topic: o.topic,
          group: o.group,
          status: runner?.status ?? 'idle',
          inFlight: runner?.inFlight ?? 0,
          failingSince: runner?.failingSince,
          lastPollError: runner?.lastPollError,
        };
      });
    return connectionHealth(
      { name: found.name, transport: found.transport.kind, publishHealth: found.publishHealth },
      runners,
      downAfterMs,
      Date.now(),
    );
  }
}
