import { Injectable, UseFilters } from '@nestjs/common';
import {
  MQConsumer,
  MQCtx,
  MQPayload,
  type MQContext,
  type MQReceivedMessage,
} from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { eventValidationPipe } from '../event-validation.pipe.js';
import { OrderCreatedEvent } from '../order.events.js';
import { OrderNotPayableError } from '../order.model.js';
import { OrderEventsPublisher } from '../order-events.publisher.js';
import { OrdersRepository } from '../orders.repository.js';
import { GROUP, TAG, TOPIC } from '../orders.topics.js';
import { knownOrder } from '../unknown-order.js';
import { PaymentGateway } from '../payment.gateway.js';
import { TransientFailureFilter } from './transient-failure.filter.js';

/**
 * Charges card orders. A gateway timeout fails the delivery (the filter reports it and rethrows),
 * the message comes back, and attempt 2 charges it. After `maxAttempts` the message is handed to
 * `giveUp` and acked, instead of retrying for the broker's whole retry budget (288 times).
 */
@Injectable()
export class PaymentsConsumer {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly orders: OrdersRepository,
    private readonly events: OrderEventsPublisher,
    private readonly activity: ActivityLog,
  ) {}

  @MQConsumer(TOPIC.orders, GROUP.payments, {
    tag: TAG.created,
    concurrency: 4,
    maxAttempts: 5,
    onExhausted: 'giveUp',
  })
  @UseFilters(TransientFailureFilter)
  async charge(
    @MQPayload(eventValidationPipe()) event: OrderCreatedEvent,
    @MQCtx() ctx: MQContext,
  ) {
    if (!knownOrder(this.orders, this.activity, 'payments', event.orderId, ctx)) return;
    if (event.paymentMethod !== 'card') {
      this.activity.record(
        'payments',
        'awaiting-transfer',
        event.orderId,
        'bank transfer: waits for the money to arrive',
        ctx,
      );
      return;
    }
    const charge = await this.gateway.charge(event.orderId, event.amount, ctx.signal);
    this.activity.record(
      'payments',
      'charged',
      event.orderId,
      `card charged ${event.amount.toFixed(2)} (${charge})`,
      ctx,
    );
    try {
      await this.events.orderPaid(event.orderId);
    } catch (error) {
      // Cancelled (the payment window closed while the charge was retried) or paid already (a
      // redelivered "created"): nothing more to do.
      if (!(error instanceof OrderNotPayableError)) throw error;
    }
  }

  /** Called instead of the handler once attempt > maxAttempts; resolving acks the message. */
  giveUp(message: MQReceivedMessage, ctx: MQContext): void {
    this.activity.record(
      'payments',
      'gave-up',
      message.key ?? message.messageId,
      `still failing after ${ctx.attempt - 1} attempts: parked for a human`,
      ctx,
    );
  }
}
