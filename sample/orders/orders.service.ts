import { Injectable } from '@nestjs/common';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { ORDER_ID_ATTRIBUTE } from '../observability/order-traces.js';
import type { CreateOrderDto } from './create-order.dto.js';
import type { Order } from './order.model.js';
import { OrderEventsPublisher } from './order-events.publisher.js';
import { OrdersRepository } from './orders.repository.js';

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly events: OrderEventsPublisher,
  ) {}

  /**
   * Saves the order, then tells the rest of the system: "created" (notifications and payments
   * react), the customer's timeline, and a timer message that fires when the payment window closes.
   */
  async create(input: CreateOrderDto): Promise<Order> {
    const order = this.orders.create(input);
    return traced('create order', order.id, async () => {
      await Promise.all([
        this.events.orderCreated(order),
        this.events.statusChanged(order, 'created'),
        this.events.schedulePaymentTimeout(order),
      ]);
      return order;
    });
  }

  /** A bank transfer arrived: pay the order (transactional publish of "paid"). */
  pay(orderId: string): Promise<Order> {
    return traced('pay order', orderId, () => this.events.orderPaid(orderId));
  }

  get(orderId: string): Order {
    return this.orders.get(orderId);
  }

  list(): Order[] {
    return this.orders.list();
  }
}

/**
 * Runs `work` in a span of its own (a no-op without `--trace`): every message published inside
 * carries its context, so the consumers' spans, and what they publish in turn, join this trace.
 */
function traced<T>(name: string, orderId: string, work: () => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('orders-sample');
  return tracer.startActiveSpan(
    name,
    { attributes: { [ORDER_ID_ATTRIBUTE]: orderId } },
    async (span: Span) => {
      try {
        return await work();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
