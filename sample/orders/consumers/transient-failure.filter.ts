import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { getMQContext } from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { PaymentGatewayTimeoutError, ReceiptNotReadyError } from '../payment.gateway.js';

/**
 * Reports an expected, temporary failure in one line and rethrows it. Rethrowing keeps the
 * delivery a failure, so the message is not acked and the broker delivers it again. A filter that
 * returned (whatever it returns, nothing included) would "handle" the error: by default
 * (`onFilteredError: 'retry'`) that is not an ack either, because a swallowed error is not a
 * success; with `'ack'` the message would be dropped. (Without a filter the error is logged with
 * its stack, and the outcome is the same.)
 */
@Catch(PaymentGatewayTimeoutError, ReceiptNotReadyError)
export class TransientFailureFilter implements ExceptionFilter {
  constructor(private readonly activity: ActivityLog) {}

  catch(error: PaymentGatewayTimeoutError | ReceiptNotReadyError, host: ArgumentsHost): never {
    const ctx = getMQContext(host);
    if (error instanceof PaymentGatewayTimeoutError) {
      this.activity.record(
        'payments',
        'charge-failed',
        error.orderId,
        'gateway timed out -> not acked, the broker will deliver it again',
        ctx,
      );
    } else {
      const event = host.getArgByIndex<{ customerId?: string; seq?: number } | undefined>(0);
      const customer = event?.customerId ?? 'the customer';
      this.activity.record(
        'timeline',
        'timeline-failed',
        error.orderId,
        `${customer} #${event?.seq}: receipt not ready -> not acked; ${customer}'s later changes wait for the retry`,
        ctx,
      );
    }
    throw error;
  }
}
