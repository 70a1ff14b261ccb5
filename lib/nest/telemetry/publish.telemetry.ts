/**
 * One PRODUCER span `send {topic}` per publish (the caller's active span is its parent; its
 * context goes into the message's user properties), and the `messaging.client.sent.messages`
 * counter and `messaging.client.operation.duration` histogram.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import type { MQPublishInput, MQPublishResult } from '../../transport/index.js';
import type { PublishSender } from './telemetry.contract.js';
import type { TelemetrySignals } from './telemetry.signals.js';
import { ATTR, errorType, SYSTEM } from './telemetry.names.js';
import { withTraceContext } from './trace.properties.js';

/** Metric attributes are cached per topic; past this many topics they are built per publish. */
const MAX_CACHED_TOPICS = 256;

interface TopicAttributes {
  ok: Attributes;
  /** By `error.type`. */
  failed: Map<string, Attributes>;
}

export class PublishTelemetry implements PublishSender {
  private readonly topics = new Map<string, TopicAttributes>();

  constructor(private readonly signals: TelemetrySignals) {}

  /** Runs `send` (the transport call) inside the send span, with the trace context injected. */
  send(
    topic: string,
    input: MQPublishInput,
    send: (input: MQPublishInput) => Promise<MQPublishResult>,
  ): Promise<MQPublishResult> {
    const start = performance.now();
    const { api, tracer } = this.signals;
    let span: Span | undefined;
    let sent: Promise<MQPublishResult>;
    if (tracer === undefined) {
      sent = send(input);
    } else {
      const parent = api.context.active();
      span = tracer.startSpan(
        `send ${topic}`,
        { kind: api.SpanKind.PRODUCER, attributes: this.spanAttributes(topic, input) },
        parent,
      );
      const context = api.trace.setSpan(parent, span);
      const properties = withTraceContext(api, context, input.properties);
      const traced = properties === input.properties ? input : { ...input, properties };
      // Active while the transport runs: spans of an HTTP instrumentation become children.
      sent = api.context.with(context, send, undefined, traced);
    }
    return sent.then(
      (result) => {
        if (span !== undefined) {
          span.setAttribute(ATTR.messageId, result.messageId);
          span.end();
        }
        this.record(topic, start, undefined);
        return result;
      },
      (error: unknown) => {
        const type = errorType(error);
        if (span !== undefined) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: describe(error) });
          span.setAttribute(ATTR.errorType, type);
          span.end();
        }
        this.record(topic, start, type);
        throw error;
      },
    );
  }

  private record(topic: string, start: number, type: string | undefined): void {
    const instruments = this.signals.instruments;
    if (instruments === undefined) return;
    const attributes = this.metricAttributes(topic, type);
    instruments.sent.add(1, attributes);
    instruments.operationDuration.record((performance.now() - start) / 1000, attributes);
  }

  private metricAttributes(topic: string, type: string | undefined): Attributes {
    let cached = this.topics.get(topic);
    if (cached === undefined) {
      cached = { ok: this.build(topic, undefined), failed: new Map() };
      if (this.topics.size >= MAX_CACHED_TOPICS) return this.build(topic, type);
      this.topics.set(topic, cached);
    }
    if (type === undefined) return cached.ok;
    let failed = cached.failed.get(type);
    if (failed === undefined) {
      failed = this.build(topic, type);
      cached.failed.set(type, failed);
    }
    return failed;
  }

  private build(topic: string, type: string | undefined): Attributes {
    const attributes: Attributes = {
      ...this.signals.base,
      [ATTR.operationName]: 'send',
      [ATTR.operationType]: 'send',
      [ATTR.destination]: topic,
    };
    if (type !== undefined) attributes[ATTR.errorType] = type;
    return attributes;
  }

  /** A literal with constant keys (see ProcessTelemetry.spanAttributes); undefined = left out. */
  private spanAttributes(topic: string, input: MQPublishInput): Attributes {
    const signals = this.signals;
    return {
      'messaging.system': SYSTEM,
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic,
      'messaging.rocketmq.namespace': signals.namespace,
      'messaging.rocketmq.message.type': messageType(input),
      'messaging.rocketmq.message.tag': input.tag,
      'messaging.rocketmq.message.keys': input.key === undefined ? undefined : [input.key],
      'messaging.rocketmq.message.group': input.shardingKey,
      'messaging.rocketmq.message.delivery_timestamp': deliveryTimestamp(input),
      'server.address': signals.serverAddress,
      'server.port': signals.serverPort,
    };
  }
}

/** `messaging.rocketmq.message.type`: the kind of message the topic must be created for. */
function messageType(input: MQPublishInput): string {
  if (input.transCheckImmunitySeconds !== undefined) return 'transaction';
  if (input.deliverAt !== undefined || input.delayMs !== undefined) return 'delay';
  if (input.shardingKey !== undefined) return 'fifo';
  return 'normal';
}

function deliveryTimestamp(input: MQPublishInput): number | undefined {
  const at = input.deliverAt;
  if (at instanceof Date) return at.getTime();
  if (typeof at === 'number') return at;
  if (typeof input.delayMs === 'number') return Date.now() + input.delayMs;
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
