/**
 * The telemetry hooks as the rest of the Nest layer sees them. This file imports no OpenTelemetry
 * type on purpose: the public declarations (`MQProducer`, `MQConsumerRegistry`) reach it, and an
 * application without `@opentelemetry/api` installed must still type-check against them.
 */
import type { MQPublishInput, MQPublishResult } from '../../transport/index.js';
import type {
  BatchDispatcher,
  MessageDispatcher,
  RunnerStatus,
  RunnerTransport,
  TransactionChecker,
} from '../consumer/index.js';

/** Where a connection connects, for the `server.*` and namespace attributes. */
export interface TelemetryTarget {
  endpoint: string;
  instanceId: string | undefined;
}

/** A consumer or transaction checker, for its signals' attributes. */
export interface ConsumerIdentity {
  topic: string;
  group: string;
}

/** Wraps one publish (the transport call `send`) in its span and metrics. */
export interface PublishSender {
  send(
    topic: string,
    input: MQPublishInput,
    send: (input: MQPublishInput) => Promise<MQPublishResult>,
  ): Promise<MQPublishResult>;
}

/** What a runner is built with, instrumented or returned unchanged. */
export interface RunnerHooks {
  dispatcher(dispatch: MessageDispatcher): MessageDispatcher;
  batchDispatcher(dispatch: BatchDispatcher): BatchDispatcher;
  checker(check: TransactionChecker): TransactionChecker;
  transport(transport: RunnerTransport): RunnerTransport;
}

/** A runner as the gauges read it. */
export interface RunnerSnapshot {
  name: string;
  topic: string;
  group: string;
  status: RunnerStatus;
  inFlight: number;
}
