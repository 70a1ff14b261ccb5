/**
 * The general, authoritative parsers of the protocol's documents, on fast-xml-parser (see
 * xml.reader.ts). The public `parse*` functions of xml.codec.ts try the fast scanner first
 * (xml.fast-parse.ts) and come here for anything it does not handle, so every error is raised here.
 * Internal: not re-exported from index.ts (tests import it to compare both paths).
 */
import type {
  AckErrorItem,
  ConsumedMessageDoc,
  ErrorResponseDoc,
  PublishRequestDoc,
  PublishResponseDoc,
} from './protocol.types.js';
import { schemaViolation } from './xml.errors.js';
import {
  childElements,
  optional,
  readLeaves,
  readRoot,
  required,
  requiredInteger,
  leafText,
} from './xml.reader.js';
import {
  ACK_ERROR_LEAVES,
  CONSUMED_MESSAGE_LEAVES,
  ERROR_LEAVES,
  PUBLISH_REQUEST_LEAVES,
  PUBLISH_RESPONSE_LEAVES,
} from './xml.elements.js';

/**
 * Parses a publish request from any SDK. `MessageBody` must be present (it may be empty: the
 * emulator decides what to do with `''`); an empty `MessageTag`/`Properties` counts as absent.
 */
export function parseSlowPublishRequest(xml: string): PublishRequestDoc {
  const values = readLeaves(readRoot(xml, 'Message'), PUBLISH_REQUEST_LEAVES);
  const doc: PublishRequestDoc = { body: required(values, 'MessageBody') };
  const tag = optional(values, 'MessageTag');
  if (tag !== undefined) doc.tag = tag;
  const properties = optional(values, 'Properties');
  if (properties !== undefined) doc.properties = properties;
  return doc;
}

export function parseSlowPublishResponse(xml: string): PublishResponseDoc {
  const values = readLeaves(readRoot(xml, 'Message'), PUBLISH_RESPONSE_LEAVES);
  const doc: PublishResponseDoc = {
    messageId: nonEmpty(values, 'MessageId'),
    bodyMd5: required(values, 'MessageBodyMD5'),
  };
  const handle = optional(values, 'ReceiptHandle');
  if (handle !== undefined) doc.receiptHandle = handle;
  return doc;
}

/**
 * Parses a consume response. Required in every `<Message>`: non-empty MessageId and ReceiptHandle,
 * MessageBody (may be empty), integer PublishTime/FirstConsumeTime/NextConsumeTime/ConsumedTimes.
 * MessageBodyMD5 missing → `''`. A `<Messages>` without any `<Message>` gives `[]`.
 */
export function parseSlowConsumeResponse(xml: string): ConsumedMessageDoc[] {
  const out: ConsumedMessageDoc[] = [];
  for (const child of childElements(readRoot(xml, 'Messages'))) {
    if (child.name !== 'Message') continue;
    const values = readLeaves(child, CONSUMED_MESSAGE_LEAVES);
    const doc: ConsumedMessageDoc = {
      messageId: nonEmpty(values, 'MessageId'),
      receiptHandle: nonEmpty(values, 'ReceiptHandle'),
      bodyMd5: values.get('MessageBodyMD5') ?? '',
      body: required(values, 'MessageBody'),
      publishTime: requiredInteger(values, 'PublishTime'),
      firstConsumeTime: requiredInteger(values, 'FirstConsumeTime'),
      nextConsumeTime: requiredInteger(values, 'NextConsumeTime'),
      consumedTimes: requiredInteger(values, 'ConsumedTimes'),
    };
    const tag = optional(values, 'MessageTag');
    if (tag !== undefined) doc.tag = tag;
    const properties = optional(values, 'Properties');
    if (properties !== undefined) doc.properties = properties;
    out.push(doc);
  }
  return out;
}

/**
 * The handles in document order, empty ones included as `''` (the server echoes them in `<Errors>`).
 * No handle at all gives `[]`; the emulator answers MissingReceiptHandle.
 */
export function parseSlowReceiptHandles(xml: string): string[] {
  const handles: string[] = [];
  for (const child of childElements(readRoot(xml, 'ReceiptHandles'))) {
    if (child.name === 'ReceiptHandle') handles.push(leafText(child));
  }
  return handles;
}

/**
 * Parses a 4xx/5xx body: a single `<Error>` or an ack `<Errors>` list. `Code` (resp. `ErrorCode` and
 * `ReceiptHandle`) are required; the other children default to `''` so that a slightly different
 * server still yields a usable error. Any other root is MalformedXML.
 */
export function parseSlowErrorResponse(xml: string): ErrorResponseDoc {
  const root = readRoot(xml, 'Error', 'Errors');
  if (root.name === 'Error') {
    const values = readLeaves(root, ERROR_LEAVES);
    return {
      kind: 'error',
      error: {
        code: nonEmpty(values, 'Code'),
        message: values.get('Message') ?? '',
        requestId: values.get('RequestId') ?? '',
        hostId: values.get('HostId') ?? '',
      },
    };
  }
  const items: AckErrorItem[] = [];
  for (const child of childElements(root)) {
    if (child.name !== 'Error') continue;
    const values = readLeaves(child, ACK_ERROR_LEAVES);
    items.push({
      code: nonEmpty(values, 'ErrorCode'),
      message: values.get('ErrorMessage') ?? '',
      receiptHandle: required(values, 'ReceiptHandle'),
    });
  }
  return { kind: 'errors', items };
}

function nonEmpty(values: Map<string, string>, name: string): string {
  const value = required(values, name);
  if (value.length === 0) throw schemaViolation(name, `<${name}> is empty`);
  return value;
}
