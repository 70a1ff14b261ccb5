import { MQParamType } from '../mq.constants.js';
import { createMQParamDecorator } from './mq-param.util.js';

/** The raw delivery (`MQReceivedMessage`: body text, ids, receipt handle, properties, times). */
export function MQMessage(): ParameterDecorator {
  return createMQParamDecorator(MQParamType.MESSAGE);
}
