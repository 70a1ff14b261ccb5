/**
 * Runs one `@MQConsumer`: the long-poll loop (PollLoop), each message through the dispatcher
 * (MessageDelivery), orderly scheduling per sharding key, and batched acks (AckBatcher).
 */
import type { MQReceiveRequest, MQReceivedMessage } from '../../transport/index.js';
import { AckBatcher } from './ack-batcher.js';
import { BatchDelivery, NO_SINGLE_DISPATCH } from './batch-delivery.js';
import type { ResolvedConsumerOptions } from './consumer.contract.js';
import { MessageDelivery } from './message-delivery.js';
import { NackSender } from './nack-sender.js';
import { OrderlyScheduler } from './orderly-scheduler.js';
import { PollLoop, PROBE_TIMEOUT_MS } from './poll-loop.js';
import type { RunnerDeps, RunnerTransport } from './runner-status.js';
import { INVISIBILITY_MARGIN_MS } from '../mq.constants.js';

/**
 * Most polls a plain consumer keeps outstanding (each for a whole batch of free slots). Overlapping
 * polls hide the poll round trip; past a few, the handlers, not the polls, are the limit, and every
 * extra one holds a socket of the client's poll pool (shared by the connection's consumers) while
 * the queue is empty.
 */
const MAX_PLAIN_POLLS = 4;

export class ConsumerRunner extends PollLoop {
  readonly options: ResolvedConsumerOptions;
  private readonly transport: RunnerTransport;
  private readonly acks: AckBatcher;
  private readonly nacks: NackSender | undefined;
  private readonly delivery: MessageDelivery;
  private readonly orderly: OrderlyScheduler | undefined;
  /** Batch consumers (`batch: true`): one handler call per poll (orderly: per sharding key). */
  private readonly batches: BatchDelivery | undefined;
  /** The fixed part of every poll's receive request (each poll adds its `max` and `signal`). */
  private readonly request: MQReceiveRequest;

  constructor(options: ResolvedConsumerOptions, deps: RunnerDeps) {
    super(
      {
        name: options.name,
        topic: options.topic,
        group: options.group,
        batchSize: options.batchSize,
        waitSeconds: options.waitSeconds,
        concurrency: options.concurrency,
        // Orderly: ONE poll at a time. The scheduler keeps a sharding key sequential only within
        // one batch; two overlapping batches holding the same key would run their sequences in
        // parallel, and a failure in one could not hold back the other's later messages (acked out
        // of order). Only the broker's partition lock (no new messages of a partition until all its
        // delivered ones are acked, PROTOCOL.md "ordered") would prevent that, and its exact
        // redelivery scope is an open question there; one poll keeps per-key order our guarantee.
        maxPolls: options.orderly ? 1 : MAX_PLAIN_POLLS,
      },
      deps,
    );
    const { maxAttempts, handlerTimeoutMs } = options;
    if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
      throw new RangeError(
        `MQ consumer ${options.name}: maxAttempts must be an integer >= 1, got ${maxAttempts}`,
      );
    }
    const batch = options.batch === true;
    if (batch ? deps.dispatchBatch === undefined : deps.dispatch === undefined) {
      throw new TypeError(
        `MQ consumer ${options.name}: a batch consumer needs dispatchBatch, any other one dispatch`,
      );
    }
    if (typeof handlerTimeoutMs !== 'number' || Number.isNaN(handlerTimeoutMs)) {
      throw new RangeError(
        `MQ consumer ${options.name}: handlerTimeoutMs must be a number, got ${String(handlerTimeoutMs)}`,
      );
    }
    this.options = options;
    this.transport = deps.transport;
    this.request = {
      topic: options.topic,
      group: options.group,
      orderly: options.orderly,
      max: options.batchSize,
      waitSeconds: options.waitSeconds,
    };
    if (options.tags !== undefined && options.tags.length > 0) this.request.tags = options.tags;
    // Where the client chooses the window (RocketMQ 5): as long as the handler may run, plus room
    // for its ack. (The MQ HTTP protocol fixes it: 5 min, 1 min orderly.)
    if (deps.transport.clientInvisibility) {
      this.request.invisibleMs = handlerTimeoutMs + INVISIBILITY_MARGIN_MS;
    }
    const events = this.events;
    this.acks = new AckBatcher({
      consumer: options.name,
      topic: options.topic,
      group: options.group,
      transport: deps.transport,
      logger: deps.logger,
      random: deps.random,
      onAcked: (message, confirmed) => events.acked(message, confirmed),
      onFailed: (message, code, error, maybeAcked) =>
        events.ackFailed(message, code, error, maybeAcked),
    });
    this.nacks = deps.transport.supportsNack
      ? new NackSender({
          consumer: options.name,
          topic: options.topic,
          group: options.group,
          transport: deps.transport,
          logger: deps.logger,
          backoff: options.retryBackoff,
          onNacked: (message, delayMs) => events.nacked(message, delayMs),
          ...(deps.random !== undefined && { random: deps.random }),
        })
      : undefined;
    this.delivery = new MessageDelivery({
      consumer: options.name,
      topic: options.topic,
      group: options.group,
      handlerTimeoutMs,
      maxAttempts,
      dispatch: deps.dispatch ?? NO_SINGLE_DISPATCH,
      onExhausted: deps.onExhausted,
      slots: this.slots,
      acks: this.acks,
      ...(this.nacks !== undefined && { nacks: this.nacks }),
      events,
      logger: deps.logger,
    });
    this.batches = !batch
      ? undefined
      : new BatchDelivery({
          consumer: options.name,
          topic: options.topic,
          group: options.group,
          handlerTimeoutMs,
          maxAttempts,
          orderly: options.orderly,
          dispatch: deps.dispatchBatch!,
          singles: this.delivery,
          slots: this.slots,
          acks: this.acks,
          ...(this.nacks !== undefined && { nacks: this.nacks }),
          events,
          logger: deps.logger,
          isStopping: () => this.isStopping,
        });
    this.orderly =
      options.orderly && this.batches === undefined
        ? new OrderlyScheduler(
            options.name,
            this.delivery,
            this.slots,
            () => this.isStopping,
            deps.logger,
          )
        : undefined;
  }

  /** Acks queued or in flight. */
  get pendingAcks(): number {
    return this.acks.pending;
  }

  protected poll(max: number, signal: AbortSignal, probe: boolean): Promise<MQReceivedMessage[]> {
    return this.transport.receive(
      probe
        ? { ...this.request, max, signal, waitSeconds: 0, timeoutMs: PROBE_TIMEOUT_MS }
        : { ...this.request, max, signal },
    );
  }

  protected handle(messages: MQReceivedMessage[]): void {
    if (this.batches !== undefined) {
      this.batches.schedule(messages);
      return;
    }
    if (this.orderly !== undefined) {
      this.orderly.schedule(messages);
      return;
    }
    // Each message goes into its own slot at once; the loop polls again without awaiting them.
    for (let i = 0; i < messages.length; i++) void this.delivery.run(messages[i]!);
  }

  protected abandonRunning(drainTimeoutMs: number): void {
    this.delivery.abandonRunning(drainTimeoutMs);
    this.batches?.abandonRunning(drainTimeoutMs);
  }

  protected async flushPending(): Promise<void> {
    await Promise.all([this.acks.flush(), this.nacks?.flush()]);
  }

  protected limitPendingWork(deadlineAt: number): void {
    this.acks.limitTo(deadlineAt);
  }
}
