import { Inject } from '@nestjs/common';
import { getMQClientToken } from '../mq.tokens.js';

/** Injects the raw `MQClient` of a connection (for what `MQProducer` does not cover). */
export function InjectMQClient(connection?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getMQClientToken(connection));
}
