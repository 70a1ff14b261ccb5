import type { INestApplication } from '@nestjs/common';
import { MQProducer } from '../../lib/index.js';
import type { ActivityLog } from '../orders/activity.log.js';
import type { Order } from '../orders/order.model.js';
import { OrderEventsPublisher } from '../orders/order-events.publisher.js';
import { OrdersRepository } from '../orders/orders.repository.js';
import { TAG, TOPIC } from '../orders/orders.topics.js';
import { payButCrashBeforeCommit } from './crash-before-commit.js';
import type { DemoRun } from './demo.checks.js';

/** Prints what the demo does, in the same column layout as the activity lines. */
export function say(text: string): void {
  process.stdout.write(`          demo          ${text}\n`);
}

/**
 * The demo burst, sent the way a client would (HTTP) plus two things a client cannot do: a
 * malformed event from a "legacy producer" and a process that "crashes" mid-transaction.
 */
export async function sendDemoBurst(
  app: INestApplication,
  baseUrl: string,
  activity: ActivityLog,
  deadline: AbortSignal,
): Promise<DemoRun> {
  const http = new DemoHttp(baseUrl, deadline);

  // First, because the broker asks the checker only after 10 s: it overlaps with the rest.
  const crashed = await http.createOrder({
    customerId: 'c-3',
    amount: 75.5,
    paymentMethod: 'bank-transfer',
  });
  say(`${crashed.id}: bank transfer arrived; paying it, then "crashing" before the commit`);
  await payButCrashBeforeCommit(app.get(MQProducer), app.get(OrdersRepository), crashed.id);

  const smallCard = await http.createOrder({
    customerId: 'c-1',
    amount: 120,
    paymentMethod: 'card',
  });
  const largeCard = await http.createOrder({
    customerId: 'c-2',
    amount: 899,
    paymentMethod: 'card',
  });
  const lateTransfer = await http.createOrder({
    customerId: 'c-1',
    amount: 35,
    paymentMethod: 'bank-transfer',
  });

  const legacy = await app
    .get(MQProducer)
    .publish(
      TOPIC.orders,
      { order_id: 'legacy-1', total: '12.50' },
      { tag: TAG.created, key: 'legacy-1' },
    );
  say(`published a malformed "created" event (old schema) as message ${legacy.messageId}`);

  const run: DemoRun = {
    smallCard,
    largeCard,
    lateTransfer,
    crashed,
    legacyMessageId: legacy.messageId,
    publishedStatuses: app.get(OrderEventsPublisher).publishedStatusCounts(),
    statusSource: app.get(OrderEventsPublisher).source,
  };

  // The transfer for lateTransfer arrives after its payment window: wait for the cancellation.
  await waitForActivity(activity, 'cancelled', lateTransfer.id, deadline);
  say(
    `${lateTransfer.id}: the bank transfer arrives too late: POST /orders/${lateTransfer.id}/pay`,
  );
  run.latePayStatus = await http.pay(lateTransfer.id);
  say(`${lateTransfer.id}: answered HTTP ${run.latePayStatus}`);
  return run;
}

class DemoHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly signal: AbortSignal,
  ) {}

  async createOrder(body: Omit<Order, 'id' | 'status' | 'createdAt'>): Promise<Order> {
    const res = await fetch(`${this.baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: this.signal,
    });
    if (res.status !== 201)
      throw new Error(`POST /orders answered ${res.status}: ${await res.text()}`);
    const order = (await res.json()) as Order;
    say(
      `POST /orders ${order.customerId} ${order.amount.toFixed(2)} ${order.paymentMethod} -> ${order.id}`,
    );
    return order;
  }

  async pay(orderId: string): Promise<number> {
    const res = await fetch(`${this.baseUrl}/orders/${orderId}/pay`, {
      method: 'POST',
      signal: this.signal,
    });
    await res.arrayBuffer();
    return res.status;
  }
}

function waitForActivity(
  activity: ActivityLog,
  kind: 'cancelled',
  orderId: string,
  deadline: AbortSignal,
): Promise<void> {
  if (activity.of(kind, orderId).length > 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const subscription = activity.recorded$.subscribe((entry) => {
      if (entry.kind === kind && entry.orderId === orderId) done();
    });
    const onAbort = (): void => {
      subscription.unsubscribe();
      reject(new Error(`gave up waiting for "${kind}" of ${orderId}`));
    };
    const done = (): void => {
      subscription.unsubscribe();
      deadline.removeEventListener('abort', onAbort);
      resolve();
    };
    deadline.addEventListener('abort', onAbort, { once: true });
  });
}
