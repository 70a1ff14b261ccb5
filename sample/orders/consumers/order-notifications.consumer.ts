import { Injectable } from '@nestjs/common';
import { MQConsumer, MQCtx, MQPayload, type MQContext } from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { eventValidationPipe } from '../event-validation.pipe.js';
import { OrderCreatedEvent } from '../order.events.js';
import { GROUP, TAG, TOPIC } from '../orders.topics.js';

/** Confirms new orders to the customer. The simplest consumer: validate, act, return (= ack). */
@Injectable()
export class OrderNotificationsConsumer {
  constructor(private readonly activity: ActivityLog) {}

  @MQConsumer(TOPIC.orders, GROUP.notifications, { tag: TAG.created, concurrency: 4 })
  confirm(@MQPayload(eventValidationPipe()) event: OrderCreatedEvent, @MQCtx() ctx: MQContext) {
    this.activity.record(
      'notifications',
      'notified',
      event.orderId,
      `e-mailed ${event.customerId}: order confirmed, ${event.amount.toFixed(2)} by ${event.paymentMethod}`,
      ctx,
    );
  }
}
