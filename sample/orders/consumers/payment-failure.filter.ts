import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { getMQContext } from '../../../lib/index.js';
import { ActivityLog } from '../activity.log.js';
import { PaymentGatewayTimeoutError } from '../payment.gateway.js';

/**
 * Reports a gateway timeout and rethrows it. Rethrowing keeps the delivery a failure, so the
 * message is not acked and the broker delivers it again (attempt 2). A filter that returned
 * normally would "handle" the error: by default (`onFilteredError: 'retry'`) that is not an ack
 * either, because a swallowed error is not a success.
 */
@Catch(PaymentGatewayTimeoutError)
export class PaymentFailureFilter implements ExceptionFilter {
  constructor(private readonly activity: ActivityLog) {}

  catch(error: PaymentGatewayTimeoutError, host: ArgumentsHost): never {
    const ctx = getMQContext(host);
    this.activity.record(
      'payments',
      'charge-failed',
      error.orderId,
      'gateway timed out -> not acked, the broker will deliver it again',
      ctx,
    );
    throw error;
  }
}
