/**
 * Requests of the 2017 ONS HTTP API byte for byte as the service's Python samples send them
 * (httplib `conn.request(method, url=<full URL>, body, headers)`): absolute-form request-target,
 * `Host` taken from the URL, `Accept-Encoding: identity`, then the samples' headers. Signing is
 * written here from the samples, independently of lib/.
 */
import { createHash, createHmac } from 'node:crypto';

/** The samples' `Util.calSignature`: base64 HMAC-SHA1, trailing newline stripped. */
export function calSignature(signString: string, sk: string): string {
  return createHmac('sha1', sk).update(signString, 'utf8').digest('base64');
}

export function md5hex(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/** `repr(int(time.time() * 1000))[0:13]` */
export function sampleTime(offsetMs = 0): string {
  return String(Date.now() + offsetMs).slice(0, 13);
}

export interface SampleConfig {
  /** `URL` of user.properties, e.g. `http://publictest-rest.ons.aliyun.com` (any host: routing is on the path). */
  url: string;
  topic: string;
  ak: string;
  sk: string;
  pid: string;
  cid: string;
}

/** Bytes of one request as httplib writes them. */
export function requestBytes(
  method: string,
  target: string,
  headers: [string, string][],
  body?: Buffer,
): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`];
  if (target.startsWith('http')) lines.push(`Host: ${new URL(target).host}`);
  else lines.push('Host: localhost');
  lines.push('Accept-Encoding: identity');
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}

export interface PublishOptions {
  body?: Buffer;
  time?: string;
  /** Query after `time` (the sample: `&tag=http&key=http`). */
  extraQuery?: string;
  /** Header spelling of the producer id (`ProducerID` in one sample, `ProducerId` in another). */
  producerHeader?: string;
  contentType?: string;
  signature?: string;
  extraHeaders?: [string, string][];
  /** Origin form instead of the samples' absolute form. */
  originForm?: boolean;
}

/** HttpProducer.process: POST {url}/message/?topic=…&time=…&tag=http&key=http */
export function publishBytes(c: SampleConfig, o: PublishOptions = {}): Buffer {
  const body = o.body ?? Buffer.from('中文', 'utf8');
  const date = o.time ?? sampleTime();
  const signString = c.topic + '\n' + c.pid + '\n' + md5hex(body) + '\n' + date;
  const headers: [string, string][] = [
    ['Signature', o.signature ?? calSignature(signString, c.sk)],
    ['AccessKey', c.ak],
    [o.producerHeader ?? 'ProducerID', c.pid],
    ['Content-type', o.contentType ?? 'text/html;charset=UTF-8'],
    ...(o.extraHeaders ?? []),
  ];
  const path = `/message/?topic=${c.topic}&time=${date}${o.extraQuery ?? '&tag=http&key=http'}`;
  return requestBytes('POST', o.originForm ? path : c.url + path, headers, body);
}

export interface ConsumeOptions {
  time?: string;
  num?: string;
  signature?: string;
  originForm?: boolean;
}

/** HttpConsumer.process: GET {url}/message/?topic=…&time=…&num=32 */
export function consumeBytes(c: SampleConfig, o: ConsumeOptions = {}): Buffer {
  const date = o.time ?? sampleTime();
  const signString = c.topic + '\n' + c.cid + '\n' + date;
  const headers: [string, string][] = [
    ['Signature', o.signature ?? calSignature(signString, c.sk)],
    ['AccessKey', c.ak],
    ['ConsumerID', c.cid],
  ];
  const path = `/message/?topic=${c.topic}&time=${date}&num=${o.num ?? '32'}`;
  return requestBytes('GET', o.originForm ? path : c.url + path, headers);
}

/** The delete of HttpConsumer.process: the handle pasted raw into the query and signed raw. */
export function deleteBytes(
  c: SampleConfig,
  msgHandle: string,
  o: { time?: string; signature?: string } = {},
): Buffer {
  const date = o.time ?? sampleTime();
  const delUrl = c.url + '/message/?msgHandle=' + msgHandle + '&topic=' + c.topic + '&time=' + date;
  const signString = c.topic + '\n' + c.cid + '\n' + msgHandle + '\n' + date;
  const headers: [string, string][] = [
    ['Signature', o.signature ?? calSignature(signString, c.sk)],
    ['AccessKey', c.ak],
    ['ConsumerID', c.cid],
  ];
  return requestBytes('DELETE', delUrl, headers);
}

export interface OnsMessage {
  body: string;
  bornTime: string;
  key: string;
  msgHandle: string;
  msgId: string;
  reconsumeTimes: number;
  tag: string;
}
