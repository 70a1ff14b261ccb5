import { MQProducer } from '../../lib/index.js';
import type { OrderPaidEvent } from '../orders/order.events.js';
import { OrdersRepository } from '../orders/orders.repository.js';
import { TAG, TOPIC } from '../orders/orders.topics.js';

/**
 * Plays a process that dies at the worst moment of a transactional publish: the half message is
 * published and the order is marked paid, but the commit is never sent. The broker keeps the
 * message invisible, and after `transCheckImmunitySeconds` (10 s, the minimum) asks the
 * `@MQTransactionChecker` of the topic, which finds the order paid and commits it.
 *
 * It uses the producer's transport (either protocol) because `MQProducer.publishTransactional`
 * always commits or rolls back: that is the point of it.
 */
export async function payButCrashBeforeCommit(
  producer: MQProducer,
  orders: OrdersRepository,
  orderId: string,
): Promise<string> {
  const order = orders.get(orderId);
  const body: OrderPaidEvent = { orderId, customerId: order.customerId, amount: order.amount };
  const half = await producer.transport.publish(TOPIC.tx, {
    body: JSON.stringify(body),
    tag: TAG.paid,
    key: orderId,
    transCheckImmunitySeconds: 10,
  });
  orders.markPaid(orderId); // the local transaction commits...
  return half.messageId; // ...and the process "dies" before transport.commit(half.receiptHandle).
}
