import { IsIn, IsNumber, IsPositive, IsString, Matches, Max } from 'class-validator';
import { PAYMENT_METHODS, type PaymentMethod } from './order.model.js';

/** Body of `POST /orders`. */
export class CreateOrderDto {
  @IsString()
  @Matches(/^[a-z0-9-]{1,32}$/, { message: 'customerId must be 1-32 of a-z, 0-9 and -' })
  customerId!: string;

  @IsNumber({ maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(1_000_000)
  amount!: number;

  @IsIn(PAYMENT_METHODS)
  paymentMethod!: PaymentMethod;
}
