import type { MQReceivedMessage } from '../../transport/index.js';
import type { DeliverySignal } from '../consumer/consumer.contract.js';
import { TrackedContext } from './tracked.context.js';

/**
 * What a handler knows about the delivery it runs for (`@MQCtx()`, or the third argument of an
 * undecorated handler, or `host.getArgByIndex(2)` in guards, interceptors and filters).
 * An interface, so `ValidationPipe` never tries to validate it.
 */
export interface MQContext {
  /** Consumer (or transaction checker) name, default `Class.method`. */
  readonly consumer: string;
  readonly topic: string;
  readonly group: string;
  readonly messageId: string;
  /** Delivery count from 1 (the broker's ConsumedTimes): 2 means the first retry. */
  readonly attempt: number;
  readonly tag: string | undefined;
  readonly key: string | undefined;
  /** User properties. */
  readonly properties: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly publishTime: number;
  /** The raw delivery. */
  readonly message: MQReceivedMessage;
  /** Aborts when the handler times out or the app shuts down past its drain deadline. */
  readonly signal: AbortSignal;
}

/**
 * A class (not an object literal) so that every context shares one hidden class on the hot path;
 * tracked, so the dispatcher finds the delivery's pipeline state from it.
 */
class MessageContext extends TrackedContext implements MQContext {
  readonly messageId: string;
  readonly attempt: number;
  readonly tag: string | undefined;
  readonly key: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  readonly publishTime: number;

  constructor(
    readonly consumer: string,
    readonly topic: string,
    readonly group: string,
    readonly message: MQReceivedMessage,
    private readonly delivery: DeliverySignal,
  ) {
    super();
    this.messageId = message.messageId;
    this.attempt = message.consumedTimes;
    this.tag = message.tag;
    this.key = message.key;
    this.properties = message.properties;
    this.publishTime = message.publishTime;
  }

  /** Read through the delivery: its AbortController exists only once someone asks for it. */
  get signal(): AbortSignal {
    return this.delivery.signal;
  }
}

export function createMQContext(
  consumer: string,
  topic: string,
  group: string,
  message: MQReceivedMessage,
  delivery: DeliverySignal,
): MQContext {
  return new MessageContext(consumer, topic, group, message, delivery);
}
