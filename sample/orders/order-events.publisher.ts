import { Injectable } from '@nestjs/common';
import { MQProducer, type MQPublishResult } from '../../lib/index.js';
import { SampleSettings } from '../sample.settings.js';
import { ActivityLog } from './activity.log.js';
import type { OrderPaidEvent, OrderStatusEvent, OrderTimeoutEvent } from './order.events.js';
import { OrderNotPayableError, type Order, type OrderStatus } from './order.model.js';
import { OrdersRepository } from './orders.repository.js';
import { GROUP, TAG, TOPIC } from './orders.topics.js';

/** Publishes the order events: what the rest of the system learns about an order. */
@Injectable()
export class OrderEventsPublisher {
  /** Per customer: the tail of its status publishes, so they reach the broker one after another. */
  private readonly statusChains = new Map<string, Promise<unknown>>();
  private readonly statusSeq = new Map<string, number>();
  /** Names this process's status sequence (see `OrderStatusEvent.source`). */
  readonly source = `${process.pid}-${Date.now().toString(36)}`;

  constructor(
    private readonly producer: MQProducer,
    private readonly orders: OrdersRepository,
    private readonly activity: ActivityLog,
    private readonly settings: SampleSettings,
  ) {}

  /** A JSON body with a tag (consumers filter on it) and a key (console lookup). */
  orderCreated(order: Order): Promise<MQPublishResult> {
    return this.producer.publish(
      TOPIC.orders,
      {
        orderId: order.id,
        customerId: order.customerId,
        amount: order.amount,
        paymentMethod: order.paymentMethod,
        createdAt: order.createdAt,
      },
      { tag: TAG.created, key: order.id },
    );
  }

  /** A timer message: delivered when the payment window is over, not before. */
  schedulePaymentTimeout(order: Order): Promise<MQPublishResult> {
    const body: OrderTimeoutEvent = { orderId: order.id };
    return this.producer.publish(TOPIC.timeout, body, {
      key: order.id,
      delayMs: this.settings.paymentWindowMs,
    });
  }

  /**
   * Orderly: the sharding key keeps a customer's changes in one partition, consumed in the order
   * they reached the broker. The broker orders arrivals, so this process publishes a customer's
   * changes one at a time (a chain per customer); customers still go in parallel.
   */
  statusChanged(order: Order, status: OrderStatus): Promise<MQPublishResult> {
    const customer = order.customerId;
    const previous = this.statusChains.get(customer) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => {
        const seq = (this.statusSeq.get(customer) ?? 0) + 1;
        this.statusSeq.set(customer, seq);
        const body: OrderStatusEvent = {
          orderId: order.id,
          customerId: customer,
          status,
          source: this.source,
          seq,
        };
        return this.producer.publish(TOPIC.orderly, body, {
          shardingKey: customer,
          key: order.id,
          tag: status,
        });
      });
    this.statusChains.set(customer, next);
    return next;
  }

  /** How many status changes were published per customer (the demo compares with the timeline). */
  publishedStatusCounts(): ReadonlyMap<string, number> {
    return this.statusSeq;
  }

  /**
   * Marks the order paid and publishes "paid" as one transaction: the half message is invisible
   * until the local change succeeded (commit); if it fails, the message is rolled back and no
   * consumer ever sees it. If this process dies in between, the broker asks
   * `PaymentTransactionChecker` what happened.
   */
  async orderPaid(orderId: string): Promise<Order> {
    const order = this.orders.get(orderId);
    // Paid already (a second request, a redelivered "created"): say so and publish nothing. A
    // cancelled order still goes through the transaction, which rolls "paid" back (the demo shows it).
    if (order.status === 'paid' || order.status === 'shipped') {
      throw new OrderNotPayableError(orderId, order.status);
    }
    const body: OrderPaidEvent = {
      orderId,
      customerId: order.customerId,
      amount: order.amount,
    };
    try {
      const paid = await this.producer.publishTransactional(
        TOPIC.tx,
        body,
        { group: GROUP.tx, tag: TAG.paid, key: orderId },
        () => this.orders.markPaid(orderId),
      );
      this.activity.record('transactions', 'committed', orderId, 'marked paid; "paid" committed');
      return paid;
    } catch (error) {
      if (error instanceof OrderNotPayableError) {
        this.activity.record(
          'transactions',
          'rolled-back',
          orderId,
          `cannot be paid (${error.status}); "paid" rolled back, nobody will see it`,
        );
      }
      throw error;
    }
  }
}
