import { Injectable, UseFilters } from '@nestjs/common';
import { MQConsumer, MQCtx, MQPayload, type MQContext } from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { eventValidationPipe } from '../event-validation.pipe.js';
import { OrderStatusEvent } from '../order.events.js';
import { OrdersRepository } from '../orders.repository.js';
import { GROUP, TOPIC } from '../orders.topics.js';
import { PaymentGateway } from '../payment.gateway.js';
import { TransientFailureFilter } from './transient-failure.filter.js';

/**
 * Builds each customer's order timeline from the orderly topic. `orderly: true` consumes with
 * `trans=order`: a customer's (sharding key's) messages come one at a time in publish order, and a
 * failure holds that customer back until the retry succeeds; other customers keep flowing
 * (`concurrency` customers in parallel). A "paid" entry shows the charge's receipt; when the
 * receipt is not ready, the delivery fails and the customer's later changes wait for the retry.
 */
@Injectable()
export class CustomerTimelineConsumer {
  private readonly lastSeq = new Map<string, number>();

  constructor(
    private readonly activity: ActivityLog,
    private readonly orders: OrdersRepository,
    private readonly gateway: PaymentGateway,
  ) {}

  @MQConsumer(TOPIC.orderly, GROUP.timeline, { orderly: true, concurrency: 4 })
  @UseFilters(TransientFailureFilter)
  async append(@MQPayload(eventValidationPipe()) event: OrderStatusEvent, @MQCtx() ctx: MQContext) {
    const timeline = `${event.source}/${event.customerId}`;
    const previous = this.lastSeq.get(timeline) ?? 0;
    if (event.seq <= previous) return; // a redelivery of what is already on the timeline
    const receipt = await this.receiptOf(event, ctx);
    this.lastSeq.set(timeline, event.seq);
    const inOrder = event.seq === previous + 1;
    this.activity.record(
      'timeline',
      'timeline',
      event.orderId,
      `${event.customerId} #${event.seq}: ${event.status}${receipt}${inOrder ? '' : ` (OUT OF ORDER: after #${previous})`}`,
      ctx,
      { customerId: event.customerId, source: event.source, seq: event.seq, status: event.status },
    );
  }

  private async receiptOf(event: OrderStatusEvent, ctx: MQContext): Promise<string> {
    const order = this.orders.find(event.orderId);
    if (event.status !== 'paid' || order === undefined) return '';
    return ` (${await this.gateway.receipt(order.id, order.amount, ctx.signal)})`;
  }
}
