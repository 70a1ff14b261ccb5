/**
 * One CONSUMER span `process {topic}` per delivery, a child of the context the message carries,
 * active (`context.with`) while the delivery runs through guards, interceptors, pipes, the
 * handler and filters, so that spans the handler starts are its children; and the
 * `messaging.process.duration` histogram. Transaction checks get a `check {topic}` span the same
 * way. Wraps the dispatcher and the checker the runners call: the runtime knows nothing of it.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { DeliverySignal, MessageDispatcher, TransactionChecker } from '../consumer/index.js';
import { OperationAttributes } from './operation.attributes.js';
import type { ConsumerIdentity } from './telemetry.contract.js';
import type { TelemetrySignals } from './telemetry.signals.js';
import { ATTR, errorType, SYSTEM } from './telemetry.names.js';
import { extractTraceContext } from './trace.properties.js';

/** This package's own span attribute: what a transaction checker answered. */
const CHECK_DECISION = 'aliyun_mq.transaction.decision';

export class ProcessTelemetry {
  private readonly metrics: OperationAttributes;
  /** Attributes of a successful process / check, built once. */
  private readonly processed: Attributes;
  private readonly checked: Attributes;

  constructor(
    private readonly signals: TelemetrySignals,
    private readonly consumer: ConsumerIdentity,
  ) {
    this.metrics = new OperationAttributes({
      ...signals.base,
      [ATTR.destination]: consumer.topic,
      [ATTR.consumerGroup]: consumer.group,
    });
    this.processed = this.metrics.get('process', undefined);
    this.checked = this.metrics.get('check', undefined);
  }

  /** The dispatcher with a span around each delivery (unchanged when nothing records). */
  dispatcher(dispatch: MessageDispatcher): MessageDispatcher {
    const { api, tracer, instruments } = this.signals;
    if (tracer === undefined && instruments === undefined) return dispatch;
    const name = `process ${this.consumer.topic}`;
    return (message, delivery) => {
      const start = performance.now();
      if (tracer === undefined) {
        return dispatch(message, delivery).then((result) => {
          this.record('process', start, failureOf(delivery, result.error));
          return result;
        });
      }
      const parent = extractTraceContext(api, message.properties);
      const span = tracer.startSpan(
        name,
        { kind: api.SpanKind.CONSUMER, attributes: this.spanAttributes('process', message) },
        parent,
      );
      return api.context
        .with(api.trace.setSpan(parent, span), dispatch, undefined, message, delivery)
        .then(
          (result) => {
            this.finish(span, 'process', start, failureOf(delivery, result.error));
            return result;
          },
          (error: unknown) => {
            this.finish(span, 'process', start, error);
            throw error;
          },
        );
    };
  }

  /** The transaction checker with a `check {topic}` span around each check. */
  checker(check: TransactionChecker): TransactionChecker {
    const { api, tracer, instruments } = this.signals;
    if (tracer === undefined && instruments === undefined) return check;
    const name = `check ${this.consumer.topic}`;
    return (message, signal) => {
      const start = performance.now();
      let span: Span | undefined;
      let checked;
      if (tracer === undefined) {
        checked = check(message, signal);
      } else {
        const parent = extractTraceContext(api, message.properties);
        span = tracer.startSpan(
          name,
          { kind: api.SpanKind.CONSUMER, attributes: this.spanAttributes('check', message) },
          parent,
        );
        checked = api.context.with(
          api.trace.setSpan(parent, span),
          check,
          undefined,
          message,
          signal,
        );
      }
      return checked.then(
        (decision) => {
          span?.setAttribute(CHECK_DECISION, decision);
          this.finish(span, 'check', start, signal.aborted ? signal.reason : undefined);
          return decision;
        },
        (error: unknown) => {
          this.finish(span, 'check', start, error);
          throw error;
        },
      );
    };
  }

  private finish(span: Span | undefined, operation: string, start: number, failure: unknown): void {
    if (span !== undefined) {
      if (failure !== undefined) {
        const { api } = this.signals;
        span.recordException(failure instanceof Error ? failure : String(failure));
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: describe(failure) });
        span.setAttribute(ATTR.errorType, errorType(failure));
      }
      span.end();
    }
    this.record(operation, start, failure);
  }

  private record(operation: string, start: number, failure: unknown): void {
    const instruments = this.signals.instruments;
    if (instruments === undefined) return;
    const attributes =
      failure === undefined
        ? operation === 'process'
          ? this.processed
          : this.checked
        : this.metrics.get(operation, undefined, errorType(failure));
    instruments.processDuration.record((performance.now() - start) / 1000, attributes);
  }

  /**
   * A literal with constant keys, which V8 builds from a boilerplate: the same object built with a
   * spread and computed keys cost ~100× more (µs per message; bench/tools/telemetry.micro).
   * Undefined values are left out by the SDK.
   */
  private spanAttributes(operation: string, message: MQReceivedMessage): Attributes {
    const { signals, consumer } = this;
    return {
      'messaging.system': SYSTEM,
      'messaging.operation.name': operation,
      'messaging.operation.type': 'process',
      'messaging.destination.name': consumer.topic,
      'messaging.consumer.group.name': consumer.group,
      'messaging.rocketmq.consumption_model': 'clustering',
      'messaging.rocketmq.namespace': signals.namespace,
      'messaging.message.id': message.messageId,
      'messaging.rocketmq.message.delivery_attempt': message.consumedTimes,
      'messaging.rocketmq.message.type': messageType(message),
      'messaging.rocketmq.message.tag': message.tag,
      'messaging.rocketmq.message.keys': message.key === undefined ? undefined : [message.key],
      'messaging.rocketmq.message.group': message.shardingKey,
      'server.address': signals.serverAddress,
      'server.port': signals.serverPort,
    };
  }
}

/**
 * What failed the delivery: its abort reason when the runtime gave up on it (handler timeout,
 * drain deadline: a late result is ignored), else the dispatcher's error (a handler failure or a
 * rejection by policy; undefined when the handler completed).
 */
function failureOf(delivery: DeliverySignal, error: unknown): unknown {
  return delivery.abortReason ?? error;
}

function messageType(message: MQReceivedMessage): string {
  if (message.transCheckImmunitySeconds !== undefined) return 'transaction';
  if (message.startDeliverTime !== undefined) return 'delay';
  if (message.shardingKey !== undefined) return 'fifo';
  return 'normal';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
