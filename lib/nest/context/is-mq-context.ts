import type { ArgumentsHost } from '@nestjs/common';
import { MQ_CONTEXT_TYPE } from '../mq.constants.js';
import { BatchContext, type MQBatchContext } from './mq-batch.context.js';
import type { MQContext } from './mq.context.js';

/**
 * True when a guard, interceptor or filter runs for an MQ handler (per message or batch). Global
 * HTTP enhancers apply to MQ handlers too: use this to skip them, e.g.
 * `if (isMQContext(ctx)) return true;` in an auth guard.
 */
export function isMQContext(host: ArgumentsHost): boolean {
  return host.getType<string>() === MQ_CONTEXT_TYPE;
}

/**
 * The `MQContext` of a per-message MQ handler (argument 2); undefined for other contexts and for
 * batch handlers (see `getMQBatchContext`).
 */
export function getMQContext(host: ArgumentsHost): MQContext | undefined {
  if (!isMQContext(host)) return undefined;
  const ctx = host.getArgByIndex<unknown>(2);
  return ctx instanceof BatchContext ? undefined : (ctx as MQContext);
}

/**
 * The `MQBatchContext` of a batch handler (`batch: true`; argument 2, where argument 0 is the
 * payloads and 1 the messages); undefined for other contexts and for per-message handlers.
 */
export function getMQBatchContext(host: ArgumentsHost): MQBatchContext | undefined {
  if (!isMQContext(host)) return undefined;
  const ctx = host.getArgByIndex<unknown>(2);
  return ctx instanceof BatchContext ? ctx : undefined;
}
