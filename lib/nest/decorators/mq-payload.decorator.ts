import type { PipeTransform, Type } from '@nestjs/common';
import { MQParamType } from '../mq.constants.js';
import { createMQParamDecorator } from './mq-param.util.js';

type Pipe = Type<PipeTransform> | PipeTransform;

/**
 * The deserialized message body (JSON when it looks like JSON, else the text; see `deserialize`).
 * Pipes given here, on the method/class (`@UsePipes`) or globally apply, e.g. `ValidationPipe`.
 * `@MQPayload('id')` picks one property of the payload.
 */
export function MQPayload(...pipes: Pipe[]): ParameterDecorator;
export function MQPayload(property: string, ...pipes: Pipe[]): ParameterDecorator;
export function MQPayload(propertyOrPipe?: string | Pipe, ...pipes: Pipe[]): ParameterDecorator {
  if (typeof propertyOrPipe === 'string') {
    return createMQParamDecorator(MQParamType.PAYLOAD, propertyOrPipe, pipes);
  }
  const all = propertyOrPipe === undefined ? pipes : [propertyOrPipe, ...pipes];
  return createMQParamDecorator(MQParamType.PAYLOAD, undefined, all);
}
