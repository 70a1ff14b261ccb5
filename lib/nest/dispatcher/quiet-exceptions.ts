/**
 * One log line per handler failure. For external contexts such as MQ handlers, Nest's last-resort
 * exception handler logs every error no filter handled (context `ExceptionsHandler`, with its
 * stack) and rethrows it; the runner then logs the same failure again, with what Nest's line
 * lacks: message id, attempt, topic, group. So MQ pipelines get exception handlers whose last
 * resort only rethrows: the application's filters still see every error first, and whether one
 * handled it is decided by Nest's own code, unchanged (Nest 11 and 12 differ there).
 *
 * How: the handler's `next()` runs with the static logger of Nest's `ExternalExceptionFilter`
 * silenced. `next()` is synchronous up to that log line and nothing else logs through that logger,
 * so no other line is lost. Should a Nest version hold no such logger, nothing is changed.
 */

/** What the context creator's `filtersContextCreator` builds (Nest's `ExternalExceptionsHandler`). */
interface ExceptionsHandler {
  next(exception: unknown, host: unknown): unknown;
}

export interface FiltersContextCreator {
  create(...args: unknown[]): ExceptionsHandler;
}

interface LoggerOwner {
  logger: unknown;
}

const noop = (): void => undefined;
const SILENT = { log: noop, error: noop, warn: noop, debug: noop, verbose: noop, fatal: noop };

/** A filters context creator whose exception handlers do not log what they rethrow. */
export function withoutLastResortLog(filters: FiltersContextCreator): FiltersContextCreator {
  const quiet = Object.create(filters) as FiltersContextCreator;
  quiet.create = function (this: FiltersContextCreator, ...args: unknown[]): ExceptionsHandler {
    const handler = filters.create.apply(this, args);
    const owner = loggerOwner(handler);
    if (owner === undefined) return handler;
    const next = handler.next;
    handler.next = function (this: ExceptionsHandler, exception: unknown, host: unknown): unknown {
      const logger = owner.logger;
      owner.logger = SILENT;
      try {
        return next.call(this, exception, host);
      } finally {
        owner.logger = logger;
      }
    };
    return handler;
  };
  return quiet;
}

/** The class in the handler's chain that owns the static `logger` (Nest's ExternalExceptionFilter). */
function loggerOwner(handler: object): LoggerOwner | undefined {
  for (
    let proto = Object.getPrototypeOf(handler) as { constructor?: unknown } | null;
    proto !== null;
    proto = Object.getPrototypeOf(proto) as { constructor?: unknown } | null
  ) {
    const owner = proto.constructor;
    if (typeof owner === 'function' && Object.prototype.hasOwnProperty.call(owner, 'logger')) {
      return owner as unknown as LoggerOwner;
    }
  }
  return undefined;
}
