import { Injectable } from '@nestjs/common';
import { MQConsumer, MQCtx, MQPayload, type MQContext } from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { eventValidationPipe } from '../event-validation.pipe.js';
import { OrderTimeoutEvent } from '../order.events.js';
import { OrderEventsPublisher } from '../order-events.publisher.js';
import { OrdersRepository } from '../orders.repository.js';
import { GROUP, TOPIC } from '../orders.topics.js';

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
    const late = Math.max(0, Date.now() - ctx.publishTime);
    if (!this.orders.cancelIfUnpaid(event.orderId)) {
      const status = this.orders.get(event.orderId).status;
      this.activity.record(
        'timeouts',
        'timeout-ignored',
        event.orderId,
        `payment window over after ${seconds(late)}: already ${status}`,
        {
          attempt: ctx.attempt,
        },
      );
      return;
    }
    this.activity.record(
      'timeouts',
      'cancelled',
      event.orderId,
      `payment window over after ${seconds(late)}: unpaid, cancelled`,
      {
        attempt: ctx.attempt,
      },
    );
    await this.events.statusChanged(this.orders.get(event.orderId), 'cancelled');
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
