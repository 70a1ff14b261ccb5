export type PaymentMethod = 'card' | 'bank-transfer';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['card', 'bank-transfer'];

export type OrderStatus = 'created' | 'paid' | 'shipped' | 'cancelled';

export interface Order {
  id: string;
  customerId: string;
  /** In the currency's main unit, two decimals. */
  amount: number;
  paymentMethod: PaymentMethod;
  status: OrderStatus;
  createdAt: number;
}

/** The order cannot be paid any more (the payment window closed and it was cancelled). */
export class OrderNotPayableError extends Error {
  constructor(
    readonly orderId: string,
    readonly status: OrderStatus,
  ) {
    super(`order ${orderId} is ${status} and cannot be paid`);
    this.name = 'OrderNotPayableError';
  }
}

export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
    this.name = 'OrderNotFoundError';
  }
}
