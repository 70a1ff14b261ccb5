/** The one-pass shape check that bounds request documents before they are parsed. */
import { describe, expect, it } from '@jest/globals';
import { XmlDocumentError } from '../../../lib/protocol/index.js';
import {
  checkRequestShape,
  handlesShape,
  PUBLISH_SHAPE,
} from '../../../lib/emulator/http/request.xml-shape.js';

const TOO_MANY = new Error('too many handles');
const HANDLES = handlesShape(() => TOO_MANY);

function outcome(xml: string, shape = PUBLISH_SHAPE): string {
  try {
    checkRequestShape(xml, shape);
    return 'ok';
  } catch (err) {
    if (err === TOO_MANY) return 'too many';
    if (err instanceof XmlDocumentError) {
      return err.code === 'InvalidArgument' ? `InvalidArgument ${err.element}` : err.code;
    }
    throw err;
  }
}

describe('checkRequestShape', () => {
  it.each([
    '<Message><MessageBody>x</MessageBody></Message>',
    '<?xml version="1.0"?>\n<Message xmlns="http://mq.aliyuncs.com/doc/v1/">\n  <MessageBody>a &lt; b</MessageBody>\n</Message>',
    '<Message><MessageTag/><Properties>k:v|</Properties><MessageBody/></Message>',
    '<a:Message xmlns:a="urn:x"><a:MessageBody>x</a:MessageBody></a:Message>',
    '<Message a="1 > 0" b=\'<\'><MessageBody>x</MessageBody></Message>',
    '<Message><!-- <Other/> --><MessageBody><![CDATA[<not/><an/><element/>]]></MessageBody></Message>',
    '\uFEFF<Message><MessageBody>x</MessageBody></Message>',
  ])('accepts %j', (xml) => {
    expect(outcome(xml)).toBe('ok');
  });

  it.each([
    ['<Message><MessageBody>x</MessageBody><Extra/></Message>', 'InvalidArgument Extra'],
    ['<Message><MessageBody><b>x</b></MessageBody></Message>', 'InvalidArgument MessageBody'],
    [
      '<Message><MessageTag/><MessageTag/><MessageTag/><MessageTag/></Message>',
      'InvalidArgument MessageTag',
    ],
    ['<Other><MessageBody>x</MessageBody></Other>', 'MalformedXML'],
    ['<Message/><Message/>', 'MalformedXML'],
    ['</Message><Message/>', 'MalformedXML'],
    ['<!DOCTYPE x><Message/>', 'MalformedXML'],
    ['<Message><MessageBody>x', 'ok'], // unclosed: left to the parser, which says MalformedXML
    ['<Message><MessageBody x="1>', 'MalformedXML'],
    ['<Message><!-- never ends', 'MalformedXML'],
    ['<Message><MessageBody><![CDATA[never ends', 'MalformedXML'],
    ['< Message/>', 'MalformedXML'],
  ])('%j → %s', (xml, expected) => {
    expect(outcome(xml)).toBe(expected);
  });

  it('counts handles up to the protocol limit', () => {
    const doc = (n: number) =>
      `<ReceiptHandles>${'<ReceiptHandle>h</ReceiptHandle>'.repeat(n)}</ReceiptHandles>`;
    expect(outcome(doc(16), HANDLES)).toBe('ok');
    expect(outcome(doc(17), HANDLES)).toBe('too many');
    expect(outcome('<ReceiptHandles><Handle>h</Handle></ReceiptHandles>', HANDLES)).toBe(
      'InvalidArgument Handle',
    );
  });
});
