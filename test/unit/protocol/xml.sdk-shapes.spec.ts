/**
 * Parsing of the request shapes each official SDK sends (PROTOCOL.md §4.1) and of the real-server
 * response samples (§4.3, §4.4, §4.6, §4.7).
 */
import { describe, expect, it } from '@jest/globals';
import {
  parseConsumeResponse,
  parseErrorResponse,
  parsePublishRequest,
  parsePublishResponse,
  parseReceiptHandles,
} from '../../../lib/protocol/index.js';

describe('publish request shapes of every SDK (§4.1)', () => {
  it('Node 1.0.4: CDATA everywhere, namespace with slash, no trailing pipe, CR-LF in CDATA → LF', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/">' +
      '<MessageBody><![CDATA[ a <b> & "c"\r\nline2 ]]></MessageBody>' +
      '<MessageTag><![CDATA[TagA]]></MessageTag>' +
      '<Properties><![CDATA[KEYS:k1|color:red]]></Properties></Message>';
    expect(parsePublishRequest(xml)).toEqual({
      body: ' a <b> & "c"\nline2 ',
      tag: 'TagA',
      properties: 'KEYS:k1|color:red',
    });
  });

  it('Python: entities &amp; &lt; &gt; &quot;, order Body, Properties, Tag, trailing pipe', () => {
    const xml =
      '<?xml version="1.0" encoding="utf-8"?>\n<Message xmlns="http://mq.aliyuncs.com/doc/v1/">' +
      '<MessageBody>x &amp; y &lt;z&gt; &quot;q&quot; &amp;lt;</MessageBody>' +
      '<Properties>KEYS:k1|a:b|</Properties><MessageTag>TagB</MessageTag></Message>';
    expect(parsePublishRequest(xml)).toEqual({
      body: 'x & y <z> "q" &lt;',
      tag: 'TagB',
      properties: 'KEYS:k1|a:b|',
    });
  });

  it('Java: standalone="no", &#13; keeps the CR, namespace without slash', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8" standalone="no"?><Message xmlns="http://mq.aliyuncs.com/doc/v1">' +
      '<MessageBody>line1&#13;\nline2 &amp; &lt;</MessageBody><MessageTag>T</MessageTag>' +
      '<Properties>__STARTDELIVERTIME:1767225900000|</Properties></Message>';
    expect(parsePublishRequest(xml)).toEqual({
      body: 'line1\r\nline2 & <',
      tag: 'T',
      properties: '__STARTDELIVERTIME:1767225900000|',
    });
  });

  it('Go: no declaration, no namespace, &#34; &#39; &#x9; &#xA; &#xD;', () => {
    const xml =
      '<Message><MessageBody>&#34;q&#34; &#39;s&#39;&#x9;tab&#xA;lf&#xD;cr &amp;&lt;&gt;</MessageBody>' +
      '<MessageTag>TagA</MessageTag><Properties>KEYS:k|</Properties></Message>';
    expect(parsePublishRequest(xml)).toEqual({
      body: `"q" 's'\ttab\nlf\rcr &<>`,
      tag: 'TagA',
      properties: 'KEYS:k|',
    });
  });

  it('PHP: empty MessageTag element counts as no tag', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="http://mq.aliyuncs.com/doc/v1/">' +
      '<MessageBody>hello</MessageBody><MessageTag></MessageTag><Properties>a:b</Properties></Message>\n';
    expect(parsePublishRequest(xml)).toEqual({ body: 'hello', properties: 'a:b' });
    expect(parsePublishRequest(xml.replace('<MessageTag></MessageTag>', '<MessageTag/>'))).toEqual({
      body: 'hello',
      properties: 'a:b',
    });
  });

  it('C#: BOM before the declaration', () => {
    const xml =
      '\uFEFF<?xml version="1.0" encoding="utf-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1">' +
      '<MessageBody>你好 😀</MessageBody><MessageTag>T</MessageTag><Properties>a:b|</Properties></Message>';
    expect(parsePublishRequest(xml)).toEqual({ body: '你好 😀', tag: 'T', properties: 'a:b|' });
  });

  it('C++: tab-indented, whitespace inside the body is kept', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="http://mq.aliyuncs.com/doc/v1">\n' +
      '\t<MessageBody>\tpadded body  </MessageBody>\n\t<MessageTag>T</MessageTag>\n' +
      '\t<Properties>a:b|</Properties>\n</Message>\n';
    expect(parsePublishRequest(xml)).toEqual({
      body: '\tpadded body  ',
      tag: 'T',
      properties: 'a:b|',
    });
  });

  it('the hand-written §4.2 example', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns="http://mq.aliyuncs.com/doc/v1/">
  <MessageBody>order 42 &amp; more</MessageBody>
  <MessageTag>TagA</MessageTag>
  <Properties>KEYS:order-42|__STARTDELIVERTIME:1767225900000|color:red|</Properties>
</Message>`;
    expect(parsePublishRequest(xml)).toEqual({
      body: 'order 42 & more',
      tag: 'TagA',
      properties: 'KEYS:order-42|__STARTDELIVERTIME:1767225900000|color:red|',
    });
  });

  it('a namespace prefix instead of a default namespace', () => {
    const xml =
      '<mq:Message xmlns:mq="http://mq.aliyuncs.com/doc/v1"><mq:MessageBody>b</mq:MessageBody></mq:Message>';
    expect(parsePublishRequest(xml)).toEqual({ body: 'b' });
  });

  it('an empty MessageBody parses as empty string (the emulator rejects it)', () => {
    expect(parsePublishRequest('<Message><MessageBody></MessageBody></Message>')).toEqual({
      body: '',
    });
    expect(parsePublishRequest('<Message><MessageBody/></Message>')).toEqual({ body: '' });
  });

  it('mixed text, CDATA and entities in one body, comments dropped', () => {
    const xml =
      '<Message><MessageBody>a&amp;<![CDATA[<&amp;>]]>b<!-- note -->c&#x1F600;&#128512;</MessageBody></Message>';
    expect(parsePublishRequest(xml).body).toBe('a&<&amp;>bc😀😀');
    expect(
      parsePublishRequest('<Message><MessageBody>&#000000065;&#x0000041;</MessageBody></Message>')
        .body,
    ).toBe('AA');
  });

  it('unknown children are ignored', () => {
    const xml = '<Message><Extra><Deep>1</Deep></Extra><MessageBody>b</MessageBody></Message>';
    expect(parsePublishRequest(xml)).toEqual({ body: 'b' });
  });
});

describe('ReceiptHandles request shapes (§4.5)', () => {
  it('Node: CDATA with slash namespace; empty handle kept', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><ReceiptHandles xmlns="http://mq.aliyuncs.com/doc/v1/">' +
      '<ReceiptHandle><![CDATA[0A1B-MTc2]]></ReceiptHandle><ReceiptHandle><![CDATA[]]></ReceiptHandle>' +
      '<ReceiptHandle></ReceiptHandle></ReceiptHandles>';
    expect(parseReceiptHandles(xml)).toEqual(['0A1B-MTc2', '', '']);
  });

  it('Go: the 66-byte V5 body', () => {
    expect(
      parseReceiptHandles('<ReceiptHandles><ReceiptHandle>h1</ReceiptHandle></ReceiptHandles>'),
    ).toEqual(['h1']);
  });

  it('the §4.5 example, and no handle at all', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ReceiptHandles xmlns="http://mq.aliyuncs.com/doc/v1/">
  <ReceiptHandle>0A1B2C3D00002A9F4E8B1C7D00000001-MTc2NzIyNTYwMDEwMDox</ReceiptHandle>
  <ReceiptHandle>0A1B2C3D00002A9F4E8B1C7D00000002-MTc2NzIyNTYwMDEwMDoy</ReceiptHandle>
</ReceiptHandles>`;
    expect(parseReceiptHandles(xml)).toEqual([
      '0A1B2C3D00002A9F4E8B1C7D00000001-MTc2NzIyNTYwMDEwMDox',
      '0A1B2C3D00002A9F4E8B1C7D00000002-MTc2NzIyNTYwMDEwMDoy',
    ]);
    expect(parseReceiptHandles('<ReceiptHandles/>')).toEqual([]);
  });
});

describe('real-server response samples', () => {
  it('§4.3 publish response', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns="http://mq.aliyuncs.com/doc/v1">
  <MessageId>0A1B2C3D00002A9F4E8B1C7D00000001</MessageId>
  <MessageBodyMD5>5D41402ABC4B2A76B9719D911017C592</MessageBodyMD5>
</Message>`;
    expect(parsePublishResponse(xml)).toEqual({
      messageId: '0A1B2C3D00002A9F4E8B1C7D00000001',
      bodyMd5: '5D41402ABC4B2A76B9719D911017C592',
    });
    expect(
      parsePublishResponse(
        xml.replace('</MessageBodyMD5>', '</MessageBodyMD5><ReceiptHandle>h-1</ReceiptHandle>'),
      ),
    ).toEqual({
      messageId: '0A1B2C3D00002A9F4E8B1C7D00000001',
      bodyMd5: '5D41402ABC4B2A76B9719D911017C592',
      receiptHandle: 'h-1',
    });
  });

  it('§4.4 consume response, numbers as numbers', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Messages xmlns="http://mq.aliyuncs.com/doc/v1">
  <Message>
    <MessageId>0A1B2C3D00002A9F4E8B1C7D00000001</MessageId>
    <ReceiptHandle>0A1B2C3D00002A9F4E8B1C7D00000001-MTc2NzIyNTYwMDEwMDox</ReceiptHandle>
    <MessageBodyMD5>5D41402ABC4B2A76B9719D911017C592</MessageBodyMD5>
    <MessageBody>hello</MessageBody>
    <PublishTime>1767225600000</PublishTime>
    <FirstConsumeTime>1767225600100</FirstConsumeTime>
    <NextConsumeTime>1767225900100</NextConsumeTime>
    <ConsumedTimes>1</ConsumedTimes>
    <MessageTag>TagA</MessageTag>
    <Properties>KEYS:order-42|color:red|</Properties>
  </Message>
</Messages>`;
    expect(parseConsumeResponse(xml)).toEqual([
      {
        messageId: '0A1B2C3D00002A9F4E8B1C7D00000001',
        receiptHandle: '0A1B2C3D00002A9F4E8B1C7D00000001-MTc2NzIyNTYwMDEwMDox',
        bodyMd5: '5D41402ABC4B2A76B9719D911017C592',
        body: 'hello',
        publishTime: 1767225600000,
        firstConsumeTime: 1767225600100,
        nextConsumeTime: 1767225900100,
        consumedTimes: 1,
        tag: 'TagA',
        properties: 'KEYS:order-42|color:red|',
      },
    ]);
  });

  it('§4.6 ack <Errors>', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Errors xmlns="http://mq.aliyuncs.com/doc/v1">
  <Error>
    <ErrorCode>ReceiptHandleError</ErrorCode>
    <ErrorMessage>The receipt handle you provide is not valid.</ErrorMessage>
    <ReceiptHandle>adfadfadfadf</ReceiptHandle>
  </Error>
</Errors>`;
    expect(parseErrorResponse(xml)).toEqual({
      kind: 'errors',
      items: [
        {
          code: 'ReceiptHandleError',
          message: 'The receipt handle you provide is not valid.',
          receiptHandle: 'adfadfadfadf',
        },
      ],
    });
  });

  it('§4.7 <Error> with `<?xml version="1.0" ?>` and 2-space indentation', () => {
    const xml = `<?xml version="1.0" ?>
<Error xmlns="http://mq.aliyuncs.com/doc/v1">
  <Code>MessageNotExist</Code>
  <Message>Message not exist.</Message>
  <RequestId>5DF07C9B31383790319F4D26</RequestId>
  <HostId>http://1480897041841542.mqrest.cn-beijing.aliyuncs.com</HostId>
</Error>`;
    expect(parseErrorResponse(xml)).toEqual({
      kind: 'error',
      error: {
        code: 'MessageNotExist',
        message: 'Message not exist.',
        requestId: '5DF07C9B31383790319F4D26',
        hostId: 'http://1480897041841542.mqrest.cn-beijing.aliyuncs.com',
      },
    });
  });

  it('<Error> with a namespace prefix, CDATA and entities in Message, extra Method child', () => {
    const xml =
      '<mq:Error xmlns:mq="http://mq.aliyuncs.com/doc/v1"><mq:Code>InvalidArgument</mq:Code>' +
      '<mq:Message><![CDATA[a <b>]]> &amp; c</mq:Message><mq:Method>POST</mq:Method>' +
      '<mq:RequestId>R</mq:RequestId><mq:HostId>H</mq:HostId></mq:Error>';
    expect(parseErrorResponse(xml)).toEqual({
      kind: 'error',
      error: { code: 'InvalidArgument', message: 'a <b> & c', requestId: 'R', hostId: 'H' },
    });
  });

  it('an empty <Messages/> gives no messages (the emulator never sends it)', () => {
    expect(parseConsumeResponse('<Messages xmlns="http://mq.aliyuncs.com/doc/v1"/>')).toEqual([]);
  });
});
