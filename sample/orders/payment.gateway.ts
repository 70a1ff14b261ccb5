import { Injectable } from '@nestjs/common';

/** The card processor did not answer in time; trying again later is the right move. */
export class PaymentGatewayTimeoutError extends Error {
  constructor(readonly orderId: string) {
    super(`the payment gateway timed out charging order ${orderId}`);
    this.name = 'PaymentGatewayTimeoutError';
  }
}

/** The receipt of a charge is not available yet (the processor is still settling it). */
export class ReceiptNotReadyError extends Error {
  constructor(readonly orderId: string) {
    super(`the receipt of order ${orderId} is not ready yet`);
    this.name = 'ReceiptNotReadyError';
  }
}

/**
 * A sandbox card processor. Its fraud screening makes the first charge of a large amount
 * (>= LARGE_AMOUNT) time out, and the receipt of such a charge is not ready on the first ask:
 * deterministic failures, so the sample shows failed deliveries and their redeliveries.
 */
@Injectable()
export class PaymentGateway {
  static readonly LARGE_AMOUNT = 500;
  private readonly tries = new Map<string, number>();
  private readonly receiptAsks = new Map<string, number>();

  async charge(orderId: string, amount: number, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const tries = (this.tries.get(orderId) ?? 0) + 1;
    this.tries.set(orderId, tries);
    if (amount >= PaymentGateway.LARGE_AMOUNT && tries === 1) {
      throw new PaymentGatewayTimeoutError(orderId);
    }
    return `ch_${orderId}_${tries}`;
  }

  /** Receipt of a paid order: for a large amount the first ask comes too early (settling). */
  async receipt(orderId: string, amount: number, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const asks = (this.receiptAsks.get(orderId) ?? 0) + 1;
    this.receiptAsks.set(orderId, asks);
    if (amount >= PaymentGateway.LARGE_AMOUNT && asks === 1)
      throw new ReceiptNotReadyError(orderId);
    return `rcpt_${orderId}`;
  }
}
