import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MQ_CONSUMER_METADATA, MQ_TRANSACTION_CHECKER_METADATA } from './mq.constants.js';
import type { MQConsumerMetadata } from './decorators/mq-consumer.decorator.js';
import type { MQTransactionCheckerMetadata } from './decorators/mq-transaction-checker.decorator.js';

/** The only reader of this module's decorator metadata. */
@Injectable()
export class MQMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getConsumers(method: Function): MQConsumerMetadata[] {
    return this.reflector.get<MQConsumerMetadata[] | undefined>(MQ_CONSUMER_METADATA, method) ?? [];
  }

  getTransactionCheckers(method: Function): MQTransactionCheckerMetadata[] {
    return (
      this.reflector.get<MQTransactionCheckerMetadata[] | undefined>(
        MQ_TRANSACTION_CHECKER_METADATA,
        method,
      ) ?? []
    );
  }
}
