import { DEFAULT_CONNECTION } from './mq.constants.js';

/** Token suffix of a named connection; the default connection keeps short, readable tokens. */
function suffix(name?: string): string {
  return !name || name === DEFAULT_CONNECTION ? '' : `:${name}`;
}

/** Injection token of the validated module options of a connection. */
export function getMQOptionsToken(name?: string): string {
  return `AliyunMQOptions${suffix(name)}`;
}

/** Injection token of the protocol client of a connection (`MQClient` on HTTP). */
export function getMQClientToken(name?: string): string {
  return `AliyunMQClient${suffix(name)}`;
}

/** Injection token of the `MQProducer` of a connection (the default one is also injectable by class). */
export function getMQProducerToken(name?: string): string {
  return `AliyunMQProducer${suffix(name)}`;
}

/** Internal: token of the connection handle the explorer discovers. */
export function getMQConnectionToken(name?: string): string {
  return `AliyunMQConnection${suffix(name)}`;
}
