/**
 * Batch consumers: one CONSUMER span `process {topic}` per batch, as the messaging conventions
 * describe batch processing: not a child of any one message, but linked to the context each message
 * carries (its producer's span; messages without one get no link), active while the batch runs
 * through the pipeline; `messaging.batch.message_count` on batches of two or more. One
 * `messaging.process.duration` measurement per batch (one process operation). Message events
 * (and the metrics users derive from them) stay per message: they are the runtime's, not this.
 */
import type { Attributes, Link, Span } from '@opentelemetry/api';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { BatchDeliveryHandle, BatchDispatcher } from '../consumer/index.js';
import { OperationAttributes } from './operation.attributes.js';
import type { ConsumerIdentity } from './telemetry.contract.js';
import type { TelemetrySignals } from './telemetry.signals.js';
import { ATTR, errorType, SYSTEM } from './telemetry.names.js';
import { extractTraceContext } from './trace.properties.js';

/** The batch dispatcher with a span around each batch (unchanged when nothing records). */
export function instrumentBatchDispatcher(
  dispatch: BatchDispatcher,
  signals: TelemetrySignals,
  consumer: ConsumerIdentity,
): BatchDispatcher {
  const { api, tracer, instruments } = signals;
  if (tracer === undefined && instruments === undefined) return dispatch;
  const metrics = new OperationAttributes({
    ...signals.base,
    [ATTR.destination]: consumer.topic,
    [ATTR.consumerGroup]: consumer.group,
  });
  const processed = metrics.get('process', undefined);
  const name = `process ${consumer.topic}`;

  const record = (start: number, failure: unknown): void => {
    if (instruments === undefined) return;
    const attributes =
      failure === undefined ? processed : metrics.get('process', undefined, errorType(failure));
    instruments.processDuration.record((performance.now() - start) / 1000, attributes);
  };
  const finish = (span: Span, start: number, failure: unknown): void => {
    if (failure !== undefined) {
      span.recordException(failure instanceof Error ? failure : String(failure));
      span.setStatus({
        code: api.SpanStatusCode.ERROR,
        message: failure instanceof Error ? failure.message : String(failure),
      });
      span.setAttribute(ATTR.errorType, errorType(failure));
    }
    span.end();
    record(start, failure);
  };

  return (messages, batch) => {
    const start = performance.now();
    if (tracer === undefined) {
      return dispatch(messages, batch).then((result) => {
        record(start, failureOf(batch, result.error));
        return result;
      });
    }
    const parent = api.context.active();
    const span = tracer.startSpan(
      name,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: spanAttributes(signals, consumer, messages),
        links: linksOf(signals, messages),
      },
      parent,
    );
    return api.context
      .with(api.trace.setSpan(parent, span), dispatch, undefined, messages, batch)
      .then(
        (result) => {
          const done = batch.doneCount;
          if (done > 0) span.setAttribute(DONE_COUNT, done);
          finish(span, start, failureOf(batch, result.error));
          return result;
        },
        (error: unknown) => {
          finish(span, start, error);
          throw error;
        },
      );
  };
}

/** This package's own: messages the handler marked done (acked even if the batch failed). */
const DONE_COUNT = 'aliyun_mq.batch.done_count';

/** One link per message that carries a valid trace context, naming the message. */
function linksOf(signals: TelemetrySignals, messages: readonly MQReceivedMessage[]): Link[] {
  const { api } = signals;
  const links: Link[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const context = api.trace.getSpanContext(extractTraceContext(api, message.properties));
    if (context === undefined || !api.trace.isSpanContextValid(context)) continue;
    links.push({ context, attributes: { [ATTR.messageId]: message.messageId } });
  }
  return links;
}

function spanAttributes(
  signals: TelemetrySignals,
  consumer: ConsumerIdentity,
  messages: readonly MQReceivedMessage[],
): Attributes {
  const single = messages.length === 1 ? messages[0] : undefined;
  return {
    'messaging.system': SYSTEM,
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': consumer.topic,
    'messaging.consumer.group.name': consumer.group,
    'messaging.rocketmq.consumption_model': 'clustering',
    'messaging.rocketmq.namespace': signals.namespace,
    // The conventions: a count on batch spans, a message's own attributes on single-message ones.
    'messaging.batch.message_count': single === undefined ? messages.length : undefined,
    'messaging.message.id': single?.messageId,
    'messaging.rocketmq.message.delivery_attempt': single?.consumedTimes,
    'server.address': signals.serverAddress,
    'server.port': signals.serverPort,
  };
}

/** The batch's abort reason when the runtime gave up on it, else the dispatcher's error. */
function failureOf(batch: BatchDeliveryHandle, error: unknown): unknown {
  return batch.abortReason ?? error;
}
