/**
 * Transaction checks pushed to producers: while a topic has at least one producer with a live
 * Telemetry stream, one loop long-polls the broker's check queue for that topic (shared with HTTP
 * `trans=pop` consumers) and sends each due half message, round robin, as a
 * RecoverOrphanedTransactionCommand whose transaction id is the check's handle. The producer answers
 * with EndTransaction. A check nobody answers comes back after `halfInvisibilityMs`, like an HTTP one.
 */
import type { Broker } from '../broker/broker.js';
import { BrokerError } from '../broker/broker.errors.js';
import type { Clock } from '../clock/clock.js';
import type { EmulatorLog } from '../http/http.log.js';
import { sendCommand, type ClientSessions } from './client.sessions.js';
import { toGrpcMessage } from './message.outbound.js';

/** Real-time length of one parked check poll; the loop polls again right after. */
const CHECK_POLL_MS = 30_000;
const CHECK_BATCH = 16;
/** Pause after an unexpected failure, so a broken loop never spins. */
const RETRY_PAUSE_MS = 1_000;

interface CheckLoop {
  readonly controller: AbortController;
  next: number;
}

export class TransactionChecks {
  private readonly loops = new Map<string, CheckLoop>();
  private stopped = false;

  constructor(
    private readonly broker: Broker,
    private readonly clock: Clock,
    private readonly sessions: () => ClientSessions,
    private readonly log: EmulatorLog,
  ) {}

  /** ClientSessions' callback: a topic gained its first live producer, or lost its last. */
  readonly onProducers = (ns: string, topic: string, present: boolean): void => {
    const k = ns + '\n' + topic;
    if (!present) {
      this.loops.get(k)?.controller.abort();
      this.loops.delete(k);
      return;
    }
    if (this.stopped || this.loops.has(k)) return;
    const loop: CheckLoop = { controller: new AbortController(), next: 0 };
    this.loops.set(k, loop);
    void this.run(ns, topic, loop);
  };

  stop(): void {
    this.stopped = true;
    for (const loop of this.loops.values()) loop.controller.abort();
    this.loops.clear();
  }

  private async run(ns: string, topic: string, loop: CheckLoop): Promise<void> {
    const signal = loop.controller.signal;
    while (!signal.aborted && !this.stopped) {
      try {
        const checks = await this.broker.consumeChecks(
          ns,
          topic,
          CHECK_BATCH,
          CHECK_POLL_MS,
          signal,
        );
        for (const doc of checks) this.dispatch(ns, topic, loop, doc);
      } catch (err) {
        if (signal.aborted || this.stopped) return;
        if (err instanceof BrokerError && err.code === 'TopicNotExist') {
          // Strict mode, undeclared topic: it can never hold a half message.
          if (this.loops.get(ns + '\n' + topic) === loop) this.loops.delete(ns + '\n' + topic);
          return;
        }
        this.log.warn(`gRPC transaction checks of ${topic}: ${(err as Error).message}`);
        await pause(RETRY_PAUSE_MS, signal);
      }
    }
  }

  private dispatch(
    ns: string,
    topic: string,
    loop: CheckLoop,
    doc: Parameters<typeof toGrpcMessage>[0],
  ): void {
    const producers = this.sessions().producersOf(ns, topic);
    const command = {
      recoverOrphanedTransactionCommand: {
        message: toGrpcMessage(doc, topic, ns, this.clock.now()),
        transactionId: doc.receiptHandle,
      },
    };
    // Round robin over the live producers; if none takes it, the check's handle expires and the
    // check is offered again later.
    for (let i = 0; i < producers.length; i++) {
      const producer = producers[loop.next++ % producers.length]!;
      if (producer.stream !== undefined && sendCommand(producer.stream, command)) return;
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
