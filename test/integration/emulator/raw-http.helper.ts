/**
 * Raw HTTP/1.1 over a TCP socket, for requests no well-behaved client library would send (bad
 * headers, wrong lengths, invalid bytes) and for counting what the server does per connection.
 */
import { createHash, createHmac } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names as received (case preserved), values as strings. */
  rawHeaders: [string, string][];
  headers: Record<string, string>;
  body: string;
}

export interface SignedRequestInput {
  method: string;
  /** Raw request-target, e.g. `/topics/T/messages?consumer=GID_1&numOfMessages=1`. */
  target: string;
  body?: string | Buffer;
  accessKeyId: string;
  accessKeySecret: string;
  /** Defaults to now (real time). */
  date?: string;
  contentMd5?: string | false;
  contentType?: string;
  extraHeaders?: Record<string, string>;
}

/** The Node SDK's Content-MD5 form: base64 of the lower-case hex digest (PROTOCOL.md §2.2). */
export function contentMd5Of(body: string | Buffer): string {
  return Buffer.from(createHash('md5').update(body).digest('hex'), 'latin1').toString('base64');
}

/** Builds the bytes of a correctly signed request (PROTOCOL.md §3.1), written independently of lib/. */
export function signedRequestBytes(input: SignedRequestInput, host: string): Buffer {
  const body = input.body === undefined ? Buffer.alloc(0) : Buffer.from(input.body);
  const date = input.date ?? new Date().toUTCString();
  const contentType = input.contentType ?? 'text/xml;charset=utf-8';
  const md5 =
    input.contentMd5 === false
      ? undefined
      : (input.contentMd5 ?? (input.method === 'GET' ? undefined : contentMd5Of(body)));
  const toSign = `${input.method}\n${md5 ?? ''}\n${contentType}\n${date}\nx-mq-version:2015-06-06\n${input.target}`;
  const signature = createHmac('sha1', input.accessKeySecret)
    .update(toSign, 'utf8')
    .digest('base64');
  const lines = [
    `${input.method} ${input.target} HTTP/1.1`,
    `Host: ${host}`,
    `Date: ${date}`,
    'x-mq-version: 2015-06-06',
    `Content-Type: ${contentType}`,
    `Authorization: MQ ${input.accessKeyId}:${signature}`,
  ];
  if (md5 !== undefined) lines.push(`Content-MD5: ${md5}`);
  if (body.length > 0 || input.method !== 'GET') lines.push(`Content-Length: ${body.length}`);
  for (const [name, value] of Object.entries(input.extraHeaders ?? {}))
    lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}

/**
 * Sends raw bytes on a new connection and reads one response (100 Continue skipped).
 * `head`: the request was a HEAD, so the response has no body whatever its Content-Length says.
 */
export function sendRaw(
  endpoint: string,
  bytes: Buffer | string,
  head = false,
): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const reader = new ResponseReader(socket, head);
    socket.on('connect', () => socket.write(bytes));
    reader.next().then(
      (res) => {
        socket.destroy();
        resolve(res);
      },
      (err: unknown) => {
        socket.destroy();
        reject(err);
      },
    );
  });
}

/** Reads successive HTTP/1.1 responses from one socket (keep-alive). */
export class ResponseReader {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly socket: Socket,
    private readonly head = false,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', (err) => {
      // A reset after the server answered is normal when it closes a connection on purpose.
      this.error = err;
      this.ended = true;
      this.wake?.();
    });
  }

  async next(): Promise<RawResponse> {
    for (;;) {
      const res = this.tryParse();
      if (res !== undefined) {
        if (res.status === 100) continue;
        return res;
      }
      if (this.ended) {
        throw (
          this.error ??
          new Error(
            `connection ended before a full response (${this.buffer.length} bytes buffered)`,
          )
        );
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private tryParse(): RawResponse | undefined {
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd === -1) return undefined;
    const head = this.buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(head[0]!.split(' ')[1]);
    const rawHeaders: [string, string][] = [];
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      rawHeaders.push([name, value]);
      headers[name.toLowerCase()] = value;
    }
    const bodyStart = headEnd + 4;
    let bodyEnd: number;
    if (this.head || status === 100 || status === 204 || status === 304) bodyEnd = bodyStart;
    else if (headers['content-length'] !== undefined)
      bodyEnd = bodyStart + Number(headers['content-length']);
    else if (this.ended) bodyEnd = this.buffer.length;
    else return undefined;
    if (this.buffer.length < bodyEnd) return undefined;
    const body = this.buffer.subarray(bodyStart, bodyEnd).toString('utf8');
    this.buffer = this.buffer.subarray(bodyEnd);
    return { status, rawHeaders, headers, body };
  }
}
