import { MQParamType } from '../mq.constants.js';
import { createMQParamDecorator } from './mq-param.util.js';

/** The `MQContext` of the delivery: topic, group, message id, attempt, properties, signal. */
export function MQCtx(): ParameterDecorator {
  return createMQParamDecorator(MQParamType.CONTEXT);
}
