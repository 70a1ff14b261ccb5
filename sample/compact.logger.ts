import { ConsoleLogger } from '@nestjs/common';

/**
 * Nest's console logger, minus stack traces on errors: the sample fails deliveries on purpose and
 * a stack per failure would bury the account of what happened. Pass it as `MQModule`'s `logger`.
 */
export class CompactLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' && !last.includes('\n') ? last : undefined;
    if (context === undefined) super.error(message);
    else super.error(message, context);
  }
}
