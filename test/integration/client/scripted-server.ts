/**
 * A real node:http server on 127.0.0.1:0 that records every request and answers from a script.
 * Test helper for the client's integration tests (not a spec file).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseAuthorization, verifySignature } from '../../../lib/protocol/index.js';

export interface RecordedRequest {
  method: string;
  /** Raw request-target as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Client port of the connection: equal for requests that shared a kept-alive socket. */
  remotePort: number | undefined;
  /** Resolves when the socket that carried this request closes. */
  socketClosed: Promise<void>;
}

export type Responder = (req: RecordedRequest, res: ServerResponse, socket: Socket) => void;

export const XML_HEADERS = { 'content-type': 'text/xml;charset=utf-8' };

/** Answers with a status, optional body and headers (x-mq-request-id defaults to REQ1). */
export function reply(status: number, body = '', headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, {
      'x-mq-request-id': 'REQ1',
      ...(body.length > 0 ? XML_HEADERS : {}),
      ...headers,
    });
    res.end(body);
  };
}

/** Never answers (the client must time out or abort). */
export const hang: Responder = () => undefined;

/**
 * Sends the status line and headers, then one byte every `intervalMs` for ever (until the client
 * goes): no per-gap timeout ever trips, only a whole-call deadline ends it.
 */
export function trickle(intervalMs: number, status = 200): Responder {
  return (_req, res, socket) => {
    res.writeHead(status, { ...XML_HEADERS, 'x-mq-request-id': 'TRICKLE' });
    res.write('<');
    const timer = setInterval(() => res.write(' '), intervalMs);
    socket.once('close', () => clearInterval(timer));
  };
}

/** Destroys the connection without a response. */
export const resetConnection: Responder = (_req, _res, socket) => {
  socket.destroy();
};

export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  private readonly script: Responder[] = [];
  private readonly waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  static async start(): Promise<ScriptedServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new ScriptedServer(server, `http://127.0.0.1:${port}`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    const socket = req.socket;
    const socketClosed = new Promise<void>((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: socket.remotePort,
        socketClosed,
      };
      this.requests.push(recorded);
      const responder = this.script.shift() ?? reply(599, 'no scripted response');
      responder(recorded, res, socket);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Queues responders for the next requests, in order. */
  next(...responders: Responder[]): this {
    this.script.push(...responders);
    return this;
  }

  /** Resolves once at least `count` requests have arrived. */
  async received(count: number): Promise<RecordedRequest> {
    while (this.requests.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.requests[count - 1] as RecordedRequest;
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Verifies the Authorization header over exactly what the server received. */
export function signatureVerifies(req: RecordedRequest, secret: string): boolean {
  const auth = parseAuthorization(String(req.headers.authorization ?? ''));
  if (auth === undefined) return false;
  return verifySignature(
    secret,
    {
      method: req.method,
      contentMd5: req.headers['content-md5'] as string | undefined,
      contentType: req.headers['content-type'],
      date: String(req.headers.date),
      headers: req.headers,
      resource: req.url,
    },
    auth.signature,
  );
}
