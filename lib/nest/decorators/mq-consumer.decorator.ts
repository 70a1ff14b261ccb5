import { MQ_CONSUMER_METADATA } from '../mq.constants.js';
import type { MQConsumerOptions } from '../interfaces/mq-consumer-options.interface.js';

/** What `@MQConsumer()` stores on the method (read only by `MQMetadataAccessor`). */
export interface MQConsumerMetadata {
  topic: string;
  group: string;
  options: MQConsumerOptions;
}

/**
 * Runs the method for every message of `topic` consumed by `group`, as a managed long-poll loop
 * started at bootstrap. Works on providers and controllers. The message is acked when the
 * handler resolves; anything else leaves it for redelivery (see the outcome table in the README).
 *
 * Undecorated parameters receive `(payload, message, ctx)`; or pick them with `@MQPayload()`,
 * `@MQMessage()`, `@MQCtx()`. Guards, interceptors, pipes and exception filters apply.
 *
 * @example
 * ```ts
 * @MQConsumer('orders', 'GID_billing', { tag: 'created', concurrency: 8 })
 * async onOrderCreated(@MQPayload() order: OrderDto, @MQCtx() ctx: MQContext) { ... }
 * ```
 */
export function MQConsumer(
  topic: string,
  group: string,
  options: MQConsumerOptions = {},
): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const list: MQConsumerMetadata[] = Reflect.getOwnMetadata(MQ_CONSUMER_METADATA, method) ?? [];
    Reflect.defineMetadata(MQ_CONSUMER_METADATA, [...list, { topic, group, options }], method);
    return descriptor;
  };
}
