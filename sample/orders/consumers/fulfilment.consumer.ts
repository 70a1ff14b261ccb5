import { Injectable } from '@nestjs/common';
import { MQConsumer, MQCtx, MQPayload, type MQContext } from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { eventValidationPipe } from '../event-validation.pipe.js';
import { OrderPaidEvent } from '../order.events.js';
import { OrderEventsPublisher } from '../order-events.publisher.js';
import { OrdersRepository } from '../orders.repository.js';
import { GROUP, TAG, TOPIC } from '../orders.topics.js';
import { knownOrder } from '../unknown-order.js';

/**
 * Ships paid orders. It consumes the transactional topic, so it only ever sees "paid" events
 * whose local transaction committed. Delivery is at least once: shipping twice is guarded.
 */
@Injectable()
export class FulfilmentConsumer {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly events: OrderEventsPublisher,
    private readonly activity: ActivityLog,
  ) {}

  @MQConsumer(TOPIC.tx, GROUP.fulfilment, { tag: TAG.paid })
  async ship(@MQPayload(eventValidationPipe()) event: OrderPaidEvent, @MQCtx() ctx: MQContext) {
    if (!knownOrder(this.orders, this.activity, 'fulfilment', event.orderId, ctx)) return;
    const order = this.orders.get(event.orderId);
    if (!this.orders.markShipped(order.id)) {
      this.activity.record(
        'fulfilment',
        'duplicate-ignored',
        order.id,
        'already shipped: duplicate ignored',
        ctx,
      );
      return;
    }
    this.activity.record(
      'fulfilment',
      'shipped',
      order.id,
      `paid ${event.amount.toFixed(2)} -> shipped`,
      ctx,
    );
    await this.events.statusChanged(order, 'paid');
    await this.events.statusChanged(order, 'shipped');
  }
}
