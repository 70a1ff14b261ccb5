import type { MQContext } from '../../lib/index.js';
import type { ActivityLog } from './activity.log.js';
import type { OrdersRepository } from './orders.repository.js';

/**
 * True when the order exists here. The sample's store is in memory, so on the cloud a message of an
 * earlier run names an order this process never saw: it is reported and acked, not retried for
 * ever. (With a real database this would be a data problem worth an alert.)
 */
export function knownOrder(
  orders: OrdersRepository,
  activity: ActivityLog,
  actor: string,
  orderId: string,
  ctx: MQContext,
): boolean {
  if (orders.find(orderId) !== undefined) return true;
  activity.record(
    actor,
    'unknown-order',
    orderId,
    "not in this run's store (an earlier run?): skipped",
    ctx,
  );
  return false;
}
