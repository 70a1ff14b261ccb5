/**
 * A bare @grpc/grpc-js client of the MessagingService for tests that must send what no official
 * client would (no client id, bad signatures, malformed frames, out-of-range fields), built on the
 * shared lib/protocol-grpc layer.
 */
import {
  Client,
  credentials,
  Metadata,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  buildAuthorization,
  formatRequestDateTime,
  loadMessagingService,
  MQ_GRPC_HEADER,
} from '../../../lib/protocol-grpc/index.js';

export interface RawIdentity {
  clientId?: string;
  namespace?: string;
  accessKey?: string;
  secret?: string;
  /** Use this authorization value as is. */
  authorization?: string;
}

export class RawGrpc {
  private readonly client: Client;
  private readonly service = loadMessagingService();

  constructor(
    endpoint: string,
    private readonly identity: RawIdentity = {},
  ) {
    this.client = new Client(endpoint, credentials.createInsecure());
  }

  metadata(identity: RawIdentity = this.identity): Metadata {
    const md = new Metadata();
    const dateTime = formatRequestDateTime();
    md.set(MQ_GRPC_HEADER.dateTime, dateTime);
    md.set(MQ_GRPC_HEADER.protocol, 'v2');
    md.set(MQ_GRPC_HEADER.requestId, 'test');
    if (identity.clientId !== '')
      md.set(MQ_GRPC_HEADER.clientId, identity.clientId ?? 'raw-test-client');
    if (identity.namespace !== undefined) md.set(MQ_GRPC_HEADER.namespace, identity.namespace);
    if (identity.authorization !== undefined) {
      md.set(MQ_GRPC_HEADER.authorization, identity.authorization);
    } else if (identity.accessKey !== undefined && identity.secret !== undefined) {
      md.set(
        MQ_GRPC_HEADER.authorization,
        buildAuthorization(identity.accessKey, identity.secret, dateTime),
      );
    }
    return md;
  }

  /** A unary call; resolves with the response, rejects with the gRPC error. */
  unary<Res = Record<string, any>>(
    method: string,
    request: object,
    identity?: RawIdentity,
    options: { deadlineMs?: number } = {},
  ): Promise<Res> {
    const def = this.service[method]!;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        this.metadata(identity),
        { deadline: Date.now() + (options.deadlineMs ?? 10_000) },
        (err: ServiceError | null, res?: unknown) => (err ? reject(err) : resolve(res as Res)),
      );
    });
  }

  /** A unary call with raw bytes as the request frame. */
  rawUnary(method: string, frame: Buffer): Promise<unknown> {
    const def = this.service[method]!;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        def.path,
        (b: Buffer) => b,
        def.responseDeserialize,
        frame,
        this.metadata(),
        { deadline: Date.now() + 10_000 },
        (err: ServiceError | null, res?: unknown) => (err ? reject(err) : resolve(res)),
      );
    });
  }

  /** A ReceiveMessage call: every frame of the stream. */
  receive(
    request: object,
    options: { identity?: RawIdentity; deadlineMs?: number } = {},
  ): Promise<Record<string, any>[]> {
    return this.serverStream('ReceiveMessage', request, options);
  }

  /** A server-streaming call: every frame; rejects with the gRPC error. */
  serverStream(
    method: string,
    request: object,
    options: { identity?: RawIdentity; deadlineMs?: number } = {},
  ): Promise<Record<string, any>[]> {
    const def = this.service[method]!;
    const frames: Record<string, any>[] = [];
    return new Promise((resolve, reject) => {
      const stream = this.client.makeServerStreamRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        this.metadata(options.identity),
        { deadline: Date.now() + (options.deadlineMs ?? 10_000) },
      );
      stream.on('data', (frame: Record<string, any>) => frames.push(frame));
      stream.on('error', reject);
      stream.on('end', () => resolve(frames));
    });
  }

  telemetry(identity?: RawIdentity): ClientDuplexStream<object, Record<string, any>> {
    const def = this.service.Telemetry!;
    return this.client.makeBidiStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      this.metadata(identity),
      {},
    );
  }

  close(): void {
    this.client.close();
  }
}

/** The status frame of a ReceiveMessage answer, then the messages. */
export function receiveResult(frames: Record<string, any>[]): {
  status: Record<string, any>;
  messages: Record<string, any>[];
} {
  return {
    status: frames.find((f) => f.content === 'status')?.status,
    messages: frames.filter((f) => f.content === 'message').map((f) => f.message),
  };
}
