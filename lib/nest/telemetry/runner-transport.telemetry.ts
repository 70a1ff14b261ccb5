/**
 * The transport as one consumer's runner sees it, measured: `messaging.client.operation.duration`
 * of every receive (long polls included: their duration is mostly the wait) and settlement (ack,
 * nack, commit, rollback), and `messaging.client.consumed.messages` per receive. A call aborted by
 * the runner itself (stop) is no operation outcome and is not recorded.
 */
import type { Attributes } from '@opentelemetry/api';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { RunnerTransport } from '../consumer/index.js';
import { OperationAttributes } from './operation.attributes.js';
import type { ConsumerIdentity } from './telemetry.contract.js';
import type { TelemetrySignals } from './telemetry.signals.js';
import { ATTR, errorType } from './telemetry.names.js';

export function instrumentRunnerTransport(
  transport: RunnerTransport,
  signals: TelemetrySignals,
  consumer: ConsumerIdentity,
): RunnerTransport {
  const instruments = signals.instruments;
  if (instruments === undefined) return transport;
  const operations = new OperationAttributes({
    ...signals.base,
    [ATTR.destination]: consumer.topic,
    [ATTR.consumerGroup]: consumer.group,
  });
  const consumed: Attributes = operations.get('receive', undefined);

  function measure<T>(
    operation: string,
    type: string,
    call: () => Promise<T>,
    onResult?: (result: T) => void,
  ): Promise<T> {
    const start = performance.now();
    return call().then(
      (result) => {
        instruments!.operationDuration.record(
          (performance.now() - start) / 1000,
          operations.get(operation, type),
        );
        onResult?.(result);
        return result;
      },
      (error: unknown) => {
        if (!(error instanceof Error && error.name === 'AbortError')) {
          instruments!.operationDuration.record(
            (performance.now() - start) / 1000,
            operations.get(operation, type, errorType(error)),
          );
        }
        throw error;
      },
    );
  }
  const count = (messages: MQReceivedMessage[]): void => {
    if (messages.length > 0) instruments.consumed.add(messages.length, consumed);
  };

  return {
    maxAckBatch: transport.maxAckBatch,
    supportsNack: transport.supportsNack,
    clientInvisibility: transport.clientInvisibility,
    isConfigurationError: (error) => transport.isConfigurationError(error),
    receive: (request) => measure('receive', 'receive', () => transport.receive(request), count),
    receiveTransactionChecks: (request) =>
      measure('receive', 'receive', () => transport.receiveTransactionChecks(request), count),
    ack: (topic, group, messages, options) =>
      measure('ack', 'settle', () => transport.ack(topic, group, messages, options)),
    nack: (topic, group, message, delayMs, options) =>
      measure('nack', 'settle', () => transport.nack(topic, group, message, delayMs, options)),
    commit: (topic, group, handle, options) =>
      measure('commit', 'settle', () => transport.commit(topic, group, handle, options)),
    rollback: (topic, group, handle, options) =>
      measure('rollback', 'settle', () => transport.rollback(topic, group, handle, options)),
  };
}
