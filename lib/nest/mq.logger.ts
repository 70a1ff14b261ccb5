import { Logger, type LoggerService } from '@nestjs/common';

const noop = (): void => undefined;
const SILENT: LoggerService = { log: noop, error: noop, warn: noop, debug: noop, verbose: noop };

/**
 * A logger bound to `context`: Nest's `Logger`, the user's `LoggerService`, or silence (`false`).
 * Callers may pass a context of their own as the last argument (the consumer runtime does); it is
 * dropped so that every line carries this module's context and nothing is printed twice.
 */
export function createMQLogger(
  option: LoggerService | false | undefined,
  context: string,
): LoggerService {
  if (option === false) return SILENT;
  const base: LoggerService = option ?? new Logger(context);
  const withContext = option !== undefined;
  const args = (message: unknown): unknown[] => (withContext ? [message, context] : [message]);
  return {
    log: (message: unknown) => base.log(...(args(message) as [unknown])),
    warn: (message: unknown) => base.warn(...(args(message) as [unknown])),
    debug: (message: unknown) => base.debug?.(...(args(message) as [unknown])),
    verbose: (message: unknown) => base.verbose?.(...(args(message) as [unknown])),
    error: (message: unknown, trace?: unknown) => {
      const stack = typeof trace === 'string' && trace.includes('\n') ? trace : undefined;
      if (withContext) base.error(message, stack, context);
      else if (stack !== undefined) base.error(message, stack);
      else base.error(message);
    },
  };
}
