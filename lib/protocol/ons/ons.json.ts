/**
 * JSON documents of the 2017 ONS HTTP API. The emulator builds them with the types the old clients
 * saw (`bornTime` a string of epoch ms, `reconsumeTimes` a number); the parsers are lenient about
 * those two (a number or a string of digits) and strict about everything a client needs.
 */

/** 201 answer of a publish. */
export interface OnsPublishResponseJson {
  msgId: string;
  sendStatus: string;
}

/** One element of a consume answer (keys in the order the service sent them: alphabetical). */
export interface OnsMessageJson {
  body: string;
  /** Epoch milliseconds, as a string. */
  bornTime: string;
  /** '' when the message has none. */
  key: string;
  msgHandle: string;
  msgId: string;
  /** 0 on the first delivery, +1 per redelivery. */
  reconsumeTimes: number;
  /** '' when the message has none. */
  tag: string;
}

/** 400 body (also sent by the emulator with its 403s, where the service sent none). */
export interface OnsErrorJson {
  code: string;
  info: string;
}

/** A consumed message, typed. */
export interface OnsMessageDoc {
  messageId: string;
  msgHandle: string;
  body: string;
  bornTime: number;
  reconsumeTimes: number;
  tag?: string;
  key?: string;
}

/** A document that is not what the API promises; the message says what was wrong, never the content. */
export class OnsJsonError extends Error {
  override readonly name = 'OnsJsonError';
}

export function buildOnsPublishResponse(msgId: string, sendStatus: string): string {
  const doc: OnsPublishResponseJson = { msgId, sendStatus };
  return JSON.stringify(doc);
}

export function buildOnsMessages(messages: readonly OnsMessageJson[]): string {
  return JSON.stringify(messages);
}

export function buildOnsError(code: string, info: string): string {
  const doc: OnsErrorJson = { code, info };
  return JSON.stringify(doc);
}

export function parseOnsPublishResponse(text: string): OnsPublishResponseJson {
  const doc = parseObject(text, 'publish answer');
  return {
    msgId: requiredString(doc, 'msgId', 'publish answer'),
    sendStatus: requiredString(doc, 'sendStatus', 'publish answer'),
  };
}

/** A consume answer: a JSON array; an empty body means no message, as some old servers sent. */
export function parseOnsMessages(text: string): OnsMessageDoc[] {
  if (text.trim() === '') return [];
  const value = parseJson(text);
  if (!Array.isArray(value)) throw new OnsJsonError('the consume answer is not a JSON array');
  const out: OnsMessageDoc[] = new Array<OnsMessageDoc>(value.length);
  for (let i = 0; i < value.length; i++) {
    const where = `message [${i}]`;
    const item: unknown = value[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new OnsJsonError(`${where} is not a JSON object`);
    }
    const doc = item as Record<string, unknown>;
    const body = doc.body;
    if (typeof body !== 'string') throw new OnsJsonError(`${where}: body is not a string`);
    const message: OnsMessageDoc = {
      messageId: requiredString(doc, 'msgId', where),
      msgHandle: requiredString(doc, 'msgHandle', where),
      body,
      bornTime: integer(doc, 'bornTime', where),
      reconsumeTimes: integer(doc, 'reconsumeTimes', where),
    };
    const tag = optionalString(doc, 'tag', where);
    if (tag !== undefined) message.tag = tag;
    const key = optionalString(doc, 'key', where);
    if (key !== undefined) message.key = key;
    out[i] = message;
  }
  return out;
}

/** `{code, info}` of an error answer, or undefined when the body is not such a document. */
export function parseOnsError(text: string): OnsErrorJson | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const doc = value as Record<string, unknown>;
  if (typeof doc.code !== 'string' || doc.code === '') return undefined;
  return { code: doc.code, info: typeof doc.info === 'string' ? doc.info : '' };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OnsJsonError('the answer is not JSON');
  }
}

function parseObject(text: string, what: string): Record<string, unknown> {
  const value = parseJson(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OnsJsonError(`the ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function requiredString(doc: Record<string, unknown>, name: string, where: string): string {
  const value = doc[name];
  if (typeof value !== 'string' || value === '') {
    throw new OnsJsonError(`${where}: ${name} is not a non-empty string`);
  }
  return value;
}

/** Absent, null and '' all mean "none". */
function optionalString(
  doc: Record<string, unknown>,
  name: string,
  where: string,
): string | undefined {
  const value = doc[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new OnsJsonError(`${where}: ${name} is not a string`);
  return value;
}

const DIGITS = /^\d{1,16}$/;

/** A non-negative integer sent as a number or as a string of digits. */
function integer(doc: Record<string, unknown>, name: string, where: string): number {
  const value = doc[name];
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && DIGITS.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new OnsJsonError(`${where}: ${name} is not a non-negative integer`);
  }
  return n;
}
