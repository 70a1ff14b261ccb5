import type { ArgumentsHost } from '@nestjs/common';
import { MQ_CONTEXT_TYPE } from '../mq.constants.js';
import type { MQContext } from './mq.context.js';

/**
 * True when a guard, interceptor or filter runs for an MQ handler. Global HTTP enhancers apply to
 * MQ handlers too: use this to skip them, e.g. `if (isMQContext(ctx)) return true;` in an auth guard.
 */
export function isMQContext(host: ArgumentsHost): boolean {
  return host.getType<string>() === MQ_CONTEXT_TYPE;
}

/** The `MQContext` of an MQ execution context (argument 2), or undefined for other contexts. */
export function getMQContext(host: ArgumentsHost): MQContext | undefined {
  return isMQContext(host) ? (host.getArgByIndex(2) as MQContext) : undefined;
}
