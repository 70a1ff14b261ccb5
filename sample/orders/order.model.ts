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

/** The order cannot be paid (again): it was paid already, or its payment window closed. */
export class OrderNotPayableError extends Error {
  constructor(
    readonly orderId: string,
    readonly status: OrderStatus,
  ) {
    super(
      status === 'cancelled'
        ? `order ${orderId} is cancelled and cannot be paid`
        : `order ${orderId} is already paid (${status})`,
    );
    this.name = 'OrderNotPayableError';
  }
}

export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
    this.name = 'OrderNotFoundError';
  }
}
