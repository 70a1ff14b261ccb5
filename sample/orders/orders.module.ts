import { Module } from '@nestjs/common';
import { ActivityLog } from './activity.log.js';
import { CustomerTimelineConsumer } from './consumers/customer-timeline.consumer.js';
import { FulfilmentConsumer } from './consumers/fulfilment.consumer.js';
import { OrderNotificationsConsumer } from './consumers/order-notifications.consumer.js';
import { OrderTimeoutConsumer } from './consumers/order-timeout.consumer.js';
import { PaymentTransactionChecker } from './consumers/payment-transaction.checker.js';
import { PaymentsConsumer } from './consumers/payments.consumer.js';
import { OrderEventsPublisher } from './order-events.publisher.js';
import { OrdersController } from './orders.controller.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';
import { PaymentGateway } from './payment.gateway.js';

/** Consumers are plain providers: `MQModule` finds their `@MQConsumer()` methods at startup. */
@Module({
  controllers: [OrdersController],
  providers: [
    ActivityLog,
    OrdersRepository,
    OrdersService,
    OrderEventsPublisher,
    PaymentGateway,
    OrderNotificationsConsumer,
    PaymentsConsumer,
    CustomerTimelineConsumer,
    OrderTimeoutConsumer,
    FulfilmentConsumer,
    PaymentTransactionChecker,
  ],
  exports: [ActivityLog, OrdersRepository, OrderEventsPublisher],
})
export class OrdersModule {}
