import { Injectable } from '@nestjs/common';
import { MQConsumer, MQCtx, MQPayload, type MQContext } from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { eventValidationPipe } from '../event-validation.pipe.js';
import { OrderTimeoutEvent } from '../order.events.js';
import { OrderEventsPublisher } from '../order-events.publisher.js';
import { OrdersRepository } from '../orders.repository.js';
import { GROUP, TOPIC } from '../orders.topics.js';
import { knownOrder } from '../unknown-order.js';

/** Receives the timer message published at creation, when the payment window is over. */
@Injectable()
export class OrderTimeoutConsumer {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly events: OrderEventsPublisher,
    private readonly activity: ActivityLog,
  ) {}

  @MQConsumer(TOPIC.timeout, GROUP.timeouts)
  async expire(
    @MQPayload(eventValidationPipe()) event: OrderTimeoutEvent,
    @MQCtx() ctx: MQContext,
  ) {
    if (!knownOrder(this.orders, this.activity, 'timeouts', event.orderId, ctx)) return;
    const order = this.orders.get(event.orderId);
    // How long after the order this came: the timer message must not arrive before its time.
    const sinceOrderMs = Date.now() - order.createdAt;
    const after = `${(sinceOrderMs / 1000).toFixed(1)} s after the order`;
    if (!this.orders.cancelIfUnpaid(order.id)) {
      this.activity.record(
        'timeouts',
        'timeout-ignored',
        order.id,
        `payment window over ${after}: already ${order.status}`,
        ctx,
        { sinceOrderMs },
      );
      return;
    }
    this.activity.record(
      'timeouts',
      'cancelled',
      order.id,
      `payment window over ${after}: unpaid, cancelled`,
      ctx,
      { sinceOrderMs },
    );
    await this.events.statusChanged(this.orders.get(event.orderId), 'cancelled');
  }
}
