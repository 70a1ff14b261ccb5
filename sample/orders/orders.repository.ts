import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  OrderNotFoundError,
  OrderNotPayableError,
  type Order,
  type PaymentMethod,
} from './order.model.js';

/**
 * The sample's "database": in memory, synchronous. Each method is one local transaction, which is
 * what `publishTransactional` wraps (mark paid ⇔ publish "paid").
 */
@Injectable()
export class OrdersRepository {
  private readonly orders = new Map<string, Order>();
  private sequence = 0;
  /**
   * Ids are unique per run: on the cloud, messages of an earlier run may still be in the topics,
   * and they must not be mistaken for this run's orders (this store starts empty every time).
   */
  private readonly idPrefix = `ord-${randomBytes(2).toString('hex')}-`;

  create(input: { customerId: string; amount: number; paymentMethod: PaymentMethod }): Order {
    this.sequence += 1;
    const order: Order = {
      id: this.idPrefix + this.sequence,
      customerId: input.customerId,
      amount: input.amount,
      paymentMethod: input.paymentMethod,
      status: 'created',
      createdAt: Date.now(),
    };
    this.orders.set(order.id, order);
    return { ...order };
  }

  find(id: string): Order | undefined {
    const order = this.orders.get(id);
    return order === undefined ? undefined : { ...order };
  }

  get(id: string): Order {
    const order = this.find(id);
    if (order === undefined) throw new OrderNotFoundError(id);
    return order;
  }

  list(): Order[] {
    return [...this.orders.values()].map((order) => ({ ...order }));
  }

  /**
   * created → paid. Anything else throws: a cancelled order cannot be paid, and a paid one cannot
   * be paid twice (two requests at once both got past the publisher's check: the second rolls back).
   */
  markPaid(id: string): Order {
    const order = this.mutable(id);
    if (order.status !== 'created') throw new OrderNotPayableError(id, order.status);
    order.status = 'paid';
    return { ...order };
  }

  /** Cancels an order still waiting for its payment; false when it was paid meanwhile. */
  cancelIfUnpaid(id: string): boolean {
    const order = this.mutable(id);
    if (order.status !== 'created') return false;
    order.status = 'cancelled';
    return true;
  }

  /** paid → shipped; false when it was already shipped (a redelivered message). */
  markShipped(id: string): boolean {
    const order = this.mutable(id);
    if (order.status === 'shipped') return false;
    if (order.status !== 'paid') throw new OrderNotPayableError(id, order.status);
    order.status = 'shipped';
    return true;
  }

  private mutable(id: string): Order {
    const order = this.orders.get(id);
    if (order === undefined) throw new OrderNotFoundError(id);
    return order;
  }
}
