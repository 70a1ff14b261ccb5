import { Injectable } from '@nestjs/common';
import {
  MQCtx,
  MQPayload,
  MQTransactionChecker,
  MQTransactionStatus,
  type MQContext,
} from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { OrderPaidEvent } from '../order.events.js';
import { OrdersRepository } from '../orders.repository.js';
import { GROUP, TOPIC } from '../orders.topics.js';

/**
 * Answers the broker about "paid" half messages nobody committed or rolled back (the process died
 * between its local transaction and the commit). The local database is the truth: paid → commit,
 * anything else → rollback.
 */
@Injectable()
export class PaymentTransactionChecker {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly activity: ActivityLog,
  ) {}

  @MQTransactionChecker(TOPIC.tx, GROUP.tx)
  check(@MQPayload() event: OrderPaidEvent, @MQCtx() ctx: MQContext): MQTransactionStatus {
    const status = this.orders.find(event.orderId)?.status;
    const decision =
      status === 'paid' || status === 'shipped'
        ? MQTransactionStatus.Commit
        : MQTransactionStatus.Rollback;
    this.activity.record(
      'tx-checker',
      'checked',
      event.orderId,
      `broker asks about an unsettled "paid": order is ${status ?? 'unknown'} -> ${decision}`,
      ctx,
      { decision },
    );
    return decision;
  }
}
