import { IsIn, IsInt, IsNumber, IsPositive, IsString, Matches, Min } from 'class-validator';
import { PAYMENT_METHODS, type OrderStatus, type PaymentMethod } from './order.model.js';

/**
 * Message bodies, as classes so that `ValidationPipe` checks what consumers receive: a producer
 * you do not control (another team, an old version) may send anything.
 */

/** `orders` / tag `created`. */
export class OrderCreatedEvent {
  @IsString()
  @Matches(/^ord-[0-9a-f]{4}-\d+$/)
  orderId!: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,32}$/)
  customerId!: string;

  @IsNumber({ maxDecimalPlaces: 2 })
  @IsPositive()
  amount!: number;

  @IsIn(PAYMENT_METHODS)
  paymentMethod!: PaymentMethod;

  @IsInt()
  createdAt!: number;
}

/** `orders-tx` / tag `paid` (transactional). */
export class OrderPaidEvent {
  @IsString()
  orderId!: string;

  @IsString()
  customerId!: string;

  @IsNumber()
  amount!: number;
}

/** `orders-orderly`, sharding key = customer id. `seq` counts the customer's status changes. */
export class OrderStatusEvent {
  @IsString()
  orderId!: string;

  @IsString()
  customerId!: string;

  @IsString()
  status!: OrderStatus;

  /** The publishing process (its seq counter): a restarted publisher starts a new timeline. */
  @IsString()
  source!: string;

  @IsInt()
  @Min(1)
  seq!: number;
}

/** `orders-timeout` (timer message): the payment window of the order is over. */
export class OrderTimeoutEvent {
  @IsString()
  orderId!: string;
}
