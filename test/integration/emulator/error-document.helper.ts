/** Independent checks of the emulator's error documents (PROTOCOL.md §2.3, §4.7), with fast-xml-parser. */
import { expect } from '@jest/globals';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RawResponse } from './raw-http.helper.js';

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false });

export interface ParsedError {
  code: string;
  message: string;
  requestId: string;
  hostId: string;
}

/**
 * Asserts a well-formed `<Error xmlns="http://mq.aliyuncs.com/doc/v1">` with exactly the four
 * children, the XML content type, the lower-case request id header equal to RequestId, and the
 * protocol version header. Returns the parsed children.
 */
export function expectErrorDocument(res: RawResponse, hostId: string): ParsedError {
  expect(res.headers['content-type']).toBe('text/xml;charset=utf-8');
  const idHeader = res.rawHeaders.find(([name]) => name.toLowerCase() === 'x-mq-request-id');
  expect(idHeader?.[0]).toBe('x-mq-request-id');
  expect(res.headers['x-mq-version']).toBe('2015-06-06');
  expect(XMLValidator.validate(res.body)).toBe(true);
  const doc = parser.parse(res.body) as Record<string, Record<string, string>>;
  const error = doc.Error;
  expect(error).toBeDefined();
  expect(error!['@_xmlns']).toBe('http://mq.aliyuncs.com/doc/v1');
  const children = Object.keys(error!).filter((k) => !k.startsWith('@_'));
  expect(children.sort()).toEqual(['Code', 'HostId', 'Message', 'RequestId']);
  for (const child of children) expect(typeof error![child]).toBe('string');
  expect(error!.Code).not.toBe('');
  expect(error!.Message).not.toBe('');
  expect(error!.RequestId).toMatch(/^[0-9A-F]{24}$/);
  expect(error!.RequestId).toBe(idHeader![1]);
  expect(error!.HostId).toBe(hostId);
  return {
    code: error!.Code!,
    message: error!.Message!,
    requestId: error!.RequestId!,
    hostId: error!.HostId!,
  };
}

export function parseXml(body: string): Record<string, unknown> {
  return parser.parse(body) as Record<string, unknown>;
}
