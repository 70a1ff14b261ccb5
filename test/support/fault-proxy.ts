/**
 * A real HTTP proxy in front of a real emulator that injects faults into chosen exchanges: reset
 * the connection before the request reaches the server, reset it or drop the answer after the
 * server acted, or be down altogether (every connection reset). Test helper for the reliability
 * tests that need one exact fault at one exact exchange (not a spec file).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

export type ProxyFault =
  /** The connection is reset; the server never sees the request. */
  | 'reset-before'
  /** The server acts and answers; the proxy resets the connection instead of answering. */
  | 'reset-after'
  /** The server acts and answers; the proxy never answers (the client's deadline ends it). */
  | 'drop-after';

export interface ProxyRule {
  method?: string;
  /** Matched against the request-target (path + query). */
  url?: RegExp;
  fault: ProxyFault;
  /** Exchanges it applies to (default 1). */
  count?: number;
}

export interface ProxiedExchange {
  method: string;
  url: string;
  /** What the proxy did: passed it on, or the fault it injected ('down' while down). */
  outcome: 'pass' | ProxyFault | 'down';
  /** Status the server answered ('reset-before' and 'down': never asked). */
  status?: number;
}

export class FaultProxy {
  readonly exchanges: ProxiedExchange[] = [];
  private readonly rules: Array<ProxyRule & { left: number }> = [];
  private isDown = false;
  private readonly upstream = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    private readonly target: string,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.handle(req, res);
    });
  }

  static async start(target: string): Promise<FaultProxy> {
    const server = createServer();
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FaultProxy(server, `http://127.0.0.1:${port}`, target);
  }

  /** Injects `rule.fault` into the next `rule.count` exchanges that match. */
  add(rule: ProxyRule): this {
    this.rules.push({ ...rule, left: rule.count ?? 1 });
    return this;
  }

  /** While down, every request's connection is reset before anything reaches the server. */
  down(): void {
    this.isDown = true;
  }

  up(): void {
    this.isDown = false;
  }

  /** Resets every open connection (long polls under way included), as a server crash would. */
  cutConnections(): void {
    this.server.closeAllConnections();
  }

  /** Exchanges whose method and target match. */
  matching(method: string, url: RegExp): ProxiedExchange[] {
    return this.exchanges.filter((e) => e.method === method && url.test(e.url));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.upstream.close();
  }

  private take(method: string, url: string): ProxyFault | undefined {
    for (const rule of this.rules) {
      if (rule.left <= 0) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.url !== undefined && !rule.url.test(url)) continue;
      rule.left--;
      return rule.fault;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const exchange: ProxiedExchange = { method, url, outcome: 'pass' };
    this.exchanges.push(exchange);
    if (this.isDown) {
      exchange.outcome = 'down';
      req.socket.destroy();
      return;
    }
    const fault = this.take(method, url);
    if (fault !== undefined) exchange.outcome = fault;
    if (fault === 'reset-before') {
      req.socket.destroy();
      return;
    }
    // A client that goes away (an aborted long poll) ends the upstream call too.
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let answer: { status: number; headers: Record<string, string>; body: Buffer };
    try {
      const upstream = await request(this.target + url, {
        method: method as 'GET',
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : null,
        signal: controller.signal,
        dispatcher: this.upstream,
      });
      const body = Buffer.from(await upstream.body.arrayBuffer());
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name)) continue;
        out[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      answer = { status: upstream.statusCode, headers: out, body };
    } catch {
      req.socket.destroy();
      return;
    }
    exchange.status = answer.status;
    if (fault === 'reset-after') {
      req.socket.destroy();
      return;
    }
    if (fault === 'drop-after') return; // never answered; the socket stays open
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.end(answer.body);
  }
}

const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
]);
