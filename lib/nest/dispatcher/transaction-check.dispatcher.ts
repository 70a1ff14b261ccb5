import type { LoggerService } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { TransactionChecker } from '../consumer/index.js';
import { createMQContext } from '../context/mq.context.js';
import type { MQCheckerDefinition } from '../interfaces/mq-handler-definition.interface.js';
import { DispatchState } from './dispatch.tracker.js';
import type { HandlerPipeline } from './handler.pipeline.js';

type Decision = 'commit' | 'rollback' | 'unknown';

/**
 * The runtime's `TransactionChecker` for one `@MQTransactionChecker()`: runs the method through the
 * pipeline and normalizes its answer. Anything but a completed 'commit'/'rollback' is 'unknown'
 * (the broker asks again): a throw, a swallowed error, a guard, an invalid payload.
 */
export function createTransactionChecker(
  definition: MQCheckerDefinition,
  pipeline: HandlerPipeline,
  logger: LoggerService,
): TransactionChecker {
  const { name, topic, group } = definition.options;
  return async (message: MQReceivedMessage, signal: AbortSignal): Promise<Decision> => {
    const ctx = createMQContext(name, topic, group, message, { signal });
    const state = new DispatchState();
    // A throw propagates: the runner logs it and leaves the message for the next check.
    const payload = definition.decode(message);
    const call = await pipeline.prepare(message, ctx);
    let result = await call.run(state, payload, message, ctx);
    if (isObservable(result)) result = await lastValueFrom(result, { defaultValue: undefined });
    if (!state.completed) {
      logger.warn(
        `check of half message ${message.messageId} did not complete (a filter, guard or interceptor answered); treated as 'unknown'`,
      );
      return 'unknown';
    }
    if (result === 'commit' || result === 'rollback' || result === 'unknown') return result;
    logger.warn(
      `check of half message ${message.messageId} returned ${String(result)}; expected 'commit', 'rollback' or 'unknown', treated as 'unknown'`,
    );
    return 'unknown';
  };
}
