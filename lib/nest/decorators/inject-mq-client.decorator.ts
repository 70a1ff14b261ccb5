import { Inject } from '@nestjs/common';
import { getMQClientToken } from '../mq.tokens.js';

/**
 * Injects the protocol client of a connection, for what `MQProducer` does not cover: the
 * `MQClient` of an HTTP connection (`transport: 'http'`, the default).
 */
export function InjectMQClient(connection?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getMQClientToken(connection));
}
