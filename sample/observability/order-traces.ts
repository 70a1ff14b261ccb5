import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The attribute the sample's own spans carry, so that an order's traces can be found. */
export const ORDER_ID_ATTRIBUTE = 'app.order.id';

/** Traces kept in memory (the oldest go first): enough for a demo and some curl requests. */
const MAX_TRACES = 200;

/**
 * A span processor that keeps the sample's recent traces in memory and draws one order's traces
 * as a tree: the HTTP request that created the order, every publish, every delivery to a consumer
 * (retries included) and what those consumers published in turn. A real application would export
 * to a tracing backend (OTLP, Jaeger, Zipkin) instead.
 */
export class OrderTraces implements SpanProcessor {
  private readonly traces = new Map<string, ReadableSpan[]>();
  private readonly byOrder = new Map<string, Set<string>>();

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    let spans = this.traces.get(traceId);
    if (spans === undefined) {
      if (this.traces.size >= MAX_TRACES) this.forget(this.traces.keys().next().value!);
      spans = [];
      this.traces.set(traceId, spans);
    }
    spans.push(span);
    const orderId = span.attributes[ORDER_ID_ATTRIBUTE];
    if (typeof orderId === 'string') {
      let ids = this.byOrder.get(orderId);
      if (ids === undefined) this.byOrder.set(orderId, (ids = new Set()));
      ids.add(traceId);
    }
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}

  /** The order's traces as indented text, or undefined when none was recorded. */
  render(orderId: string): string | undefined {
    const ids = this.byOrder.get(orderId);
    if (ids === undefined) return undefined;
    const out: string[] = [];
    for (const traceId of ids) {
      const spans = (this.traces.get(traceId) ?? []).slice();
      spans.sort((a, b) => time(a.startTime) - time(b.startTime));
      const known = new Set(spans.map((s) => s.spanContext().spanId));
      const children = new Map<string | undefined, ReadableSpan[]>();
      for (const span of spans) {
        const parent = span.parentSpanContext?.spanId;
        const key = parent !== undefined && known.has(parent) ? parent : undefined;
        children.set(key, [...(children.get(key) ?? []), span]);
      }
      const start = spans.length > 0 ? time(spans[0]!.startTime) : 0;
      out.push(`trace ${traceId}`);
      const draw = (parent: string | undefined, depth: number): void => {
        for (const span of children.get(parent) ?? []) {
          out.push(line(span, depth, start));
          draw(span.spanContext().spanId, depth + 1);
        }
      };
      draw(undefined, 1);
    }
    return `${out.join('\n')}\n`;
  }

  private forget(traceId: string): void {
    this.traces.delete(traceId);
    for (const [orderId, ids] of this.byOrder) {
      ids.delete(traceId);
      if (ids.size === 0) this.byOrder.delete(orderId);
    }
  }
}

function time(hr: [number, number]): number {
  return hr[0] * 1000 + hr[1] / 1e6;
}

/** `+12.3 ms  process orders  GID_orders_payments attempt 2  (4.1 ms)  ERROR: …` */
function line(span: ReadableSpan, depth: number, start: number): string {
  const a = span.attributes;
  const facts: string[] = [];
  if (a['messaging.consumer.group.name'] !== undefined) {
    facts.push(String(a['messaging.consumer.group.name']));
  }
  if (a['messaging.rocketmq.message.delivery_attempt'] !== undefined) {
    facts.push(`attempt ${String(a['messaging.rocketmq.message.delivery_attempt'])}`);
  }
  if (a['messaging.rocketmq.message.tag'] !== undefined) {
    facts.push(`tag ${String(a['messaging.rocketmq.message.tag'])}`);
  }
  if (a['aliyun_mq.transaction.decision'] !== undefined) {
    facts.push(`-> ${String(a['aliyun_mq.transaction.decision'])}`);
  }
  const offset = `+${(time(span.startTime) - start).toFixed(1)} ms`.padStart(12);
  const duration = `(${time(span.duration).toFixed(1)} ms)`;
  const error = span.status.code === 2 ? `  ERROR: ${span.status.message ?? ''}` : '';
  return `${offset}  ${'  '.repeat(depth - 1)}${span.name}  ${facts.join(' ')}  ${duration}${error}`;
}
