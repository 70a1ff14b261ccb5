import type { DiscoveryService } from '@nestjs/core';
import type { ResolvedConsumerOptions } from '../consumer/consumer.contract.js';
import type { PayloadDecoder } from '../dispatcher/payload.deserializer.js';
import type { MQExhaustedHook } from './mq-consumer-options.interface.js';

/** Nest's instance wrapper, named through a public API (its class is not exported publicly). */
export type MQInstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** The provider or controller method that handles messages. */
export interface MQHandlerTarget {
  wrapper: MQInstanceWrapper;
  /** The class (for request-scoped resolution and logs). */
  hostClass: Function;
  methodName: string;
  /** `Class.method`, for logs. */
  label: string;
  /**
   * `static`: the instance Nest created at bootstrap. `transient`: one instance resolved for the
   * consumer (Nest never constructs a transient provider's static instance). `request`: the tree
   * depends on request-scoped providers, so an instance tree per message.
   */
  scope: 'static' | 'transient' | 'request';
}

/** A discovered, validated `@MQConsumer()`. */
export interface MQConsumerDefinition {
  kind: 'consumer';
  options: ResolvedConsumerOptions;
  target: MQHandlerTarget;
  decode: PayloadDecoder;
  onExhausted?: string | MQExhaustedHook;
}

/** A discovered, validated `@MQTransactionChecker()`. */
export interface MQCheckerDefinition {
  kind: 'checker';
  options: {
    name: string;
    connection: string;
    topic: string;
    group: string;
    batchSize: number;
    waitSeconds: number;
    concurrency: number;
    autoStart: boolean;
  };
  target: MQHandlerTarget;
  decode: PayloadDecoder;
}

export type MQHandlerDefinition = MQConsumerDefinition | MQCheckerDefinition;
