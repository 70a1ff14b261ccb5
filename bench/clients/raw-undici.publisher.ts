/**
 * The raw ceiling: an undici Pool re-sending one pre-built, pre-signed publish request. No XML is
 * built or parsed and nothing is signed per request; only the status is checked and the response
 * body drained. No client can publish faster over HTTP/1.1 with the same number of connections.
 */
import { Pool } from 'undici';
import { buildPublishRequest } from '../../lib/protocol/index.js';
import { presign, type BenchCredentials, type PresignedRequest } from './presigned.request.js';

export class RawUndiciPublisher {
  private readonly pool: Pool;
  private readonly request: PresignedRequest;

  constructor(
    endpoint: string,
    topic: string,
    body: string,
    credentials: BenchCredentials,
    connections: number,
  ) {
    this.pool = new Pool(endpoint, { connections, keepAliveTimeout: 60_000 });
    this.request = presign(
      'POST',
      `/topics/${encodeURIComponent(topic)}/messages`,
      credentials,
      buildPublishRequest({ body }),
    );
  }

  async publish(): Promise<void> {
    const { statusCode, body } = await this.pool.request({
      method: this.request.method,
      path: this.request.path,
      headers: this.request.headers,
      body: this.request.body,
    });
    await body.dump();
    if (statusCode !== 201) throw new Error(`raw publish answered HTTP ${statusCode}`);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
