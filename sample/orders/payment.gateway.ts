import { Injectable } from '@nestjs/common';

/** The card processor did not answer in time; trying again later is the right move. */
export class PaymentGatewayTimeoutError extends Error {
  constructor(readonly orderId: string) {
    super(`the payment gateway timed out charging order ${orderId}`);
    this.name = 'PaymentGatewayTimeoutError';
  }
}

/**
 * A sandbox card processor. Its fraud screening makes the first charge of a large amount
 * (>= LARGE_AMOUNT) time out, deterministically, so the sample shows a failed delivery and its
 * redelivery; the second try goes through.
 */
@Injectable()
export class PaymentGateway {
  static readonly LARGE_AMOUNT = 500;
  private readonly tries = new Map<string, number>();

  async charge(orderId: string, amount: number, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const tries = (this.tries.get(orderId) ?? 0) + 1;
    this.tries.set(orderId, tries);
    if (amount >= PaymentGateway.LARGE_AMOUNT && tries === 1) {
      throw new PaymentGatewayTimeoutError(orderId);
    }
    return `ch_${orderId}_${tries}`;
  }
}
