/**
 * Micro-benchmark of the protocol's per-message CPU work: every document parser on its fast path
 * and on the slow (fast-xml-parser) path, plus the other per-message helpers.
 *   npx tsc -p tsconfig.build.json && node dist/bench/tools/xml-parse.micro.js [filter]
 * Prints µs per call (mean of the best of 5 rounds after a warm-up). Numbers are for comparing
 * changes on one machine, not absolute truths.
 */
import {
  bodyMd5,
  buildConsumeResponse,
  buildPublishRequest,
  buildPublishResponse,
  buildReceiptHandles,
  decodeProperties,
  escapeXmlText,
  findIllegalXmlChar,
  newMessageId,
  parseConsumeResponse,
  parsePublishRequest,
  parsePublishResponse,
  parseReceiptHandles,
  sign,
  type ConsumedMessageDoc,
} from '../../lib/protocol/index.js';
import {
  parseSlowConsumeResponse,
  parseSlowPublishRequest,
  parseSlowPublishResponse,
  parseSlowReceiptHandles,
} from '../../lib/protocol/xml.slow-parse.js';

const publishRequest = buildPublishRequest({
  body: '{"orderId":"o-1","amount":42,"customer":"c-7"}',
  tag: 'created',
  properties: 'KEYS:o-1|color:red|',
});
const publishResponse = buildPublishResponse({ messageId: newMessageId(), bodyMd5: bodyMd5('x') });
const messages: ConsumedMessageDoc[] = Array.from({ length: 16 }, (_, i) => ({
  messageId: newMessageId(),
  receiptHandle: 'H' + i + '-abc',
  bodyMd5: bodyMd5('b'),
  body: '{"orderId":"o-' + i + '"}',
  publishTime: 1,
  firstConsumeTime: 2,
  nextConsumeTime: 3,
  consumedTimes: 1,
  tag: 't',
  properties: 'KEYS:k|',
}));
const consumeResponse = buildConsumeResponse(messages);
const receiptHandles = buildReceiptHandles(messages.map((m) => m.receiptHandle));
/** The Node SDK's shape: CDATA everywhere, namespace with slash. */
const nodeSdkRequest =
  '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mq.aliyuncs.com/doc/v1/">' +
  '<MessageBody><![CDATA[{"orderId":"o-1","amount":42}]]></MessageBody>' +
  '<MessageTag><![CDATA[created]]></MessageTag><Properties><![CDATA[KEYS:o-1|color:red]]></Properties></Message>';
const largeBody = buildPublishRequest({ body: 'x'.repeat(1 << 20) });

function bench(name: string, fn: () => unknown, calls: number): void {
  for (let i = 0; i < Math.min(calls, 2000); i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / calls);
  }
  console.log(name.padEnd(34), best.toFixed(2).padStart(9), 'µs');
}

const CASES: Array<[string, () => unknown, number]> = [
  ['parsePublishRequest', () => parsePublishRequest(publishRequest), 50000],
  ['  slow path', () => parseSlowPublishRequest(publishRequest), 5000],
  ['parsePublishRequest (Node CDATA)', () => parsePublishRequest(nodeSdkRequest), 50000],
  ['parsePublishRequest (1 MiB body)', () => parsePublishRequest(largeBody), 50],
  ['  slow path', () => parseSlowPublishRequest(largeBody), 20],
  ['parsePublishResponse', () => parsePublishResponse(publishResponse), 50000],
  ['  slow path', () => parseSlowPublishResponse(publishResponse), 5000],
  ['parseConsumeResponse (16)', () => parseConsumeResponse(consumeResponse), 5000],
  ['  slow path', () => parseSlowConsumeResponse(consumeResponse), 500],
  ['parseReceiptHandles (16)', () => parseReceiptHandles(receiptHandles), 20000],
  ['  slow path', () => parseSlowReceiptHandles(receiptHandles), 2000],
  ['buildConsumeResponse (16)', () => buildConsumeResponse(messages), 10000],
  ['buildPublishRequest', () => buildPublishRequest({ body: 'hello', tag: 't' }), 100000],
  ['bodyMd5 (50 B)', () => bodyMd5('{"orderId":"o-1","amount":42,"customer":"c-7"}'), 100000],
  ['decodeProperties', () => decodeProperties('KEYS:o-1|color:red|__SHARDINGKEY:s|'), 100000],
  ['escapeXmlText (plain 50 B)', () => escapeXmlText('{"orderId":"o-1","amount":42}'), 200000],
  ['findIllegalXmlChar (consume doc)', () => findIllegalXmlChar(consumeResponse), 20000],
  [
    'sign',
    () =>
      sign('secret', {
        method: 'POST',
        contentMd5: 'x',
        contentType: 'text/xml',
        date: 'Thu, 01 Jan 2026 00:00:00 GMT',
        headers: { 'x-mq-version': '2015-06-06' },
        resource: '/topics/T/messages?ns=X',
      }),
    50000,
  ],
];

const filter = process.argv[2];
let show = false;
for (const [name, fn, calls] of CASES) {
  if (!name.startsWith('  ')) show = filter === undefined || name.includes(filter);
  if (show) bench(name, fn, calls);
}
