import { Injectable } from '@nestjs/common';
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
    await Promise.all([
      this.events.orderCreated(order),
      this.events.statusChanged(order, 'created'),
      this.events.schedulePaymentTimeout(order),
    ]);
    return order;
  }

  /** A bank transfer arrived: pay the order (transactional publish of "paid"). */
  pay(orderId: string): Promise<Order> {
    return this.events.orderPaid(orderId);
  }

  get(orderId: string): Order {
    return this.orders.get(orderId);
  }

  list(): Order[] {
    return this.orders.list();
  }
}
