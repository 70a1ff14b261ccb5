import { Inject } from '@nestjs/common';
import { getMQProducerToken } from '../mq.tokens.js';

/** Injects the `MQProducer` of a connection (the default one can also be injected by class). */
export function InjectMQProducer(connection?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getMQProducerToken(connection));
}
