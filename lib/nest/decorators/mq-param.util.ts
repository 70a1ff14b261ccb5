import type { PipeTransform, Type } from '@nestjs/common';
import { MQ_PARAM_ARGS_METADATA, MQParamType } from '../mq.constants.js';

/** One entry of the parameter metadata, in the shape `ExternalContextCreator` reads. */
export interface MQParamMetadata {
  index: number;
  data?: string;
  pipes: (Type<PipeTransform> | PipeTransform)[];
}

export type MQParamArgsMetadata = Record<string, MQParamMetadata>;

/** Key of a parameter entry: `<type>:<index>`, the format Nest's context creator parses. */
export function paramKey(type: MQParamType, index: number): string {
  return `${type}:${index}`;
}

/** Builds a parameter decorator that records `type` at the parameter's index. */
export function createMQParamDecorator(
  type: MQParamType,
  data?: string,
  pipes: (Type<PipeTransform> | PipeTransform)[] = [],
): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) return; // constructor parameter: not a handler
    const host = target.constructor;
    const args: MQParamArgsMetadata = Reflect.getMetadata(MQ_PARAM_ARGS_METADATA, host, key) ?? {};
    Reflect.defineMetadata(
      MQ_PARAM_ARGS_METADATA,
      { ...args, [paramKey(type, index)]: { index, data, pipes } },
      host,
      key,
    );
  };
}
