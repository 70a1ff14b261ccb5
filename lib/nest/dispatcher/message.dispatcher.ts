import type { LoggerService } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import type { MQReceivedMessage } from '../../transport/index.js';
import type { ExhaustedHandler, MessageDispatcher } from '../consumer/consumer.contract.js';
import { createMQContext } from '../context/mq.context.js';
import type { MQConsumerDefinition } from '../interfaces/mq-handler-definition.interface.js';
import type { HandlerPipeline, PreparedCall } from './handler.pipeline.js';
import { DispatchState } from './dispatch.tracker.js';
import {
  ACK,
  classifyRejection,
  classifySwallowed,
  type DispatchResult,
  type OutcomePolicies,
} from './outcome.classifier.js';
import { invalidBody, unprepared } from './pipeline.run.js';

/**
 * The runtime's `MessageDispatcher` for one consumer: deserialize, run the Nest pipeline, map the
 * result to ack/retry with the outcome table. Never rejects; logging of failures is the runner's
 * (it has the message id, attempt, topic and group in one line).
 */
export function createMessageDispatcher(
  definition: MQConsumerDefinition,
  pipeline: HandlerPipeline,
  policies: OutcomePolicies,
): MessageDispatcher {
  const { name, topic, group } = definition.options;
  const decode = definition.decode;
  return async (message, delivery): Promise<DispatchResult> => {
    const ctx = createMQContext(name, topic, group, message, delivery);
    let payload: unknown;
    try {
      payload = decode(message);
    } catch (error) {
      return invalidBody(message.messageId, error, policies);
    }
    let call: PreparedCall;
    try {
      const prepared = pipeline.prepare(message, ctx);
      // A static handler's call is ready: awaiting it anyway would cost a turn of the microtasks.
      call = prepared instanceof Promise ? await prepared : prepared;
    } catch (error) {
      return unprepared(error);
    }
    // runAndClassify (pipeline.run.ts), inlined on purpose: per message, calling it costs ≈0.05 µs
    // of the runtime's ≈1.5 µs (bench/tools/runner.micro.ts, builds alternating). Keep both alike.
    const state = new DispatchState();
    try {
      const result = await call.run(state, payload, message, ctx);
      // An observable here is a filter's answer: subscribe to it (see pipeline.run.ts).
      if (isObservable(result)) {
        await lastValueFrom(result, { defaultValue: undefined });
        return classifySwallowed(state, policies);
      }
      return state.completed ? ACK : classifySwallowed(state, policies);
    } catch (error) {
      return classifyRejection(state, error, policies);
    }
  };
}

/**
 * The runtime's `ExhaustedHandler`: calls the consumer's `onExhausted` (a method name or a function,
 * with the instance as `this`) outside the pipeline. Without a hook the runtime acks with a warning.
 */
export function createExhaustedHandler(
  definition: MQConsumerDefinition,
  pipeline: HandlerPipeline,
  logger: LoggerService,
): ExhaustedHandler | undefined {
  const hook = definition.onExhausted;
  if (hook === undefined) return undefined;
  const { name, topic, group, maxAttempts } = definition.options;
  return async (message: MQReceivedMessage): Promise<void> => {
    const ctx = createMQContext(name, topic, group, message, {
      signal: new AbortController().signal,
    });
    const call = await pipeline.prepare(message, ctx);
    const fn = typeof hook === 'string' ? (call.instance as Record<string, Function>)[hook]! : hook;
    logger.warn(
      `message ${message.messageId} exceeded maxAttempts (attempt ${message.consumedTimes} > ${maxAttempts}); running onExhausted`,
    );
    await fn.call(call.instance, message, ctx);
  };
}
