import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import { MQParamType } from '../mq.constants.js';
import type { DispatchTracker } from './dispatch.tracker.js';

function property(payload: unknown, key: ParamData): unknown {
  return payload !== null && typeof payload === 'object'
    ? (payload as Record<string, unknown>)[key as string]
    : undefined;
}

/**
 * Maps `@MQPayload()`, `@MQMessage()`, `@MQCtx()` to the pipeline's arguments
 * `[payload, message, ctx]` (batch handlers: `[payloads, messages, batchCtx]`). Nest calls it once the guards passed, right before the pipes: that
 * moment is recorded, so a rejection after it is the payload's fault, not a guard's.
 */
export class MQParamsFactory implements ParamsFactory {
  constructor(private readonly tracker: DispatchTracker) {}

  exchangeKeyForValue(type: number, data: ParamData, args: unknown[]): unknown {
    const state = this.tracker.stateOf(args);
    if (state !== undefined) state.paramsResolved = true;
    switch (type) {
      case MQParamType.PAYLOAD: {
        const payload = args[0];
        if (data === undefined || data === null) return payload;
        // A batch handler (its messages are an array): the property of every payload.
        if (Array.isArray(args[1])) return (payload as unknown[]).map((p) => property(p, data));
        return property(payload, data);
      }
      case MQParamType.MESSAGE:
        return args[1];
      case MQParamType.CONTEXT:
        return args[2];
      default:
        return undefined;
    }
  }
}
