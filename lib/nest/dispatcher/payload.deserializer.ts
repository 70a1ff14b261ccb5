import type { MQReceivedMessage } from '../../transport/index.js';
import type { MQDeserializer } from '../interfaces/mq-consumer-options.interface.js';

/** Turns a delivery into the handler's payload; throws when the body cannot be read. */
export type PayloadDecoder = (message: MQReceivedMessage) => unknown;

const OPEN_BRACE = 0x7b; // {
const OPEN_BRACKET = 0x5b; // [

/** First character that is not JSON whitespace (cheap: bodies rarely start with spaces). */
function firstSignificantChar(body: string): number {
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
  }
  return -1;
}

/**
 * `'json'` parses bodies that start with `{` or `[` (what `MQProducer` sends for objects) and
 * passes any other body on as text; a body that starts like JSON but does not parse is invalid,
 * not silently handed over as a string the handler does not expect.
 */
function decodeJson(message: MQReceivedMessage): unknown {
  const body = message.body;
  const c = firstSignificantChar(body);
  return c === OPEN_BRACE || c === OPEN_BRACKET ? JSON.parse(body) : body;
}

function decodeText(message: MQReceivedMessage): unknown {
  return message.body;
}

export function createPayloadDecoder(option: 'json' | 'text' | MQDeserializer): PayloadDecoder {
  if (option === 'json') return decodeJson;
  if (option === 'text') return decodeText;
  return (message) => option(message.body, message);
}
