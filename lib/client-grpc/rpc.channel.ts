/**
 * One gRPC channel (one HTTP/2 connection) to a RocketMQ 5 endpoint, and the three call shapes the
 * protocol uses: unary, server stream (ReceiveMessage) and the bidirectional Telemetry stream.
 *
 * Every unary and server-stream call has a whole-call gRPC deadline (connecting included: calls do
 * not wait for a channel that cannot connect), an optional AbortSignal, and is cancelled by
 * close(). Errors arrive as the package's MQError family (grpc.errors.ts).
 */
import {
  ChannelCredentials,
  Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientUnaryCall,
  type Metadata,
  type MethodDefinition,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { MQAbortError, MQTimeoutError } from '../client/client.errors.js';
import { loadMessagingService } from '../protocol-grpc/grpc.loader.js';
import { closedError, grpcError, type CallContext } from './grpc.errors.js';
import type { GrpcEndpoint } from './grpc.endpoint.js';
import type { RequestMetadata } from './request.metadata.js';

export type UnaryMethod =
  | 'QueryRoute'
  | 'Heartbeat'
  | 'SendMessage'
  | 'AckMessage'
  | 'ChangeInvisibleDuration'
  | 'EndTransaction'
  | 'NotifyClientTermination';

export interface RpcCallOptions {
  /** The session (x-mq-client-id) the call belongs to. */
  clientId: string;
  /** Whole-call deadline, from now. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * A received message can exceed gRPC's default 4 MiB (a 4 MiB body plus properties); the proxy
 * accepts 130 MiB inbound. 16 MiB bounds what one frame may make us buffer.
 */
const MAX_RECEIVE_BYTES = 16 * 1024 * 1024;

interface Cancellable {
  cancel(): void;
}

export class RpcChannel {
  private readonly client: Client;
  private readonly methods: ServiceDefinition;
  /** Calls in flight (unary, server streams, telemetry), cancelled by close(). */
  private readonly active = new Set<Cancellable>();
  private closed = false;

  constructor(
    readonly endpoint: GrpcEndpoint,
    tls: boolean,
    private readonly metadata: RequestMetadata,
  ) {
    this.methods = loadMessagingService();
    this.client = new Client(
      endpoint.target,
      tls ? ChannelCredentials.createSsl() : ChannelCredentials.createInsecure(),
      {
        'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
        // Reconnect quickly after the proxy restarts; calls never wait for it (no waitForReady).
        'grpc.initial_reconnect_backoff_ms': 500,
        'grpc.max_reconnect_backoff_ms': 10_000,
      },
    );
  }

  /** A fresh request id and the context errors of this call will carry. */
  context(operation: string): CallContext {
    return {
      operation,
      requestId: this.metadata.nextRequestId(),
      endpoint: this.endpoint.target,
    };
  }

  unary<Req, Res>(
    method: UnaryMethod,
    request: Req,
    ctx: CallContext,
    options: RpcCallOptions,
  ): Promise<Res> {
    const definition = this.method(method);
    const deadline = Date.now() + options.timeoutMs;
    return this.withMetadata(ctx, options, deadline, (metadata) => {
      return new Promise<Res>((resolve, reject) => {
        let call: ClientUnaryCall | undefined = undefined;
        const signal = options.signal;
        const onAbort = (): void => call?.cancel();
        call = this.client.makeUnaryRequest<Req, Res>(
          definition.path,
          definition.requestSerialize as (value: Req) => Buffer,
          definition.responseDeserialize as (value: Buffer) => Res,
          request,
          metadata,
          { deadline },
          (error: ServiceError | null, response?: Res) => {
            this.active.delete(call!);
            signal?.removeEventListener('abort', onAbort);
            if (error) reject(grpcError(error, ctx, signal?.aborted === true));
            else resolve(response as Res);
          },
        );
        this.active.add(call);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    });
  }

  /** A server-streaming call collected into its frames (ReceiveMessage answers with a few). */
  serverStream<Req, Frame>(
    method: 'ReceiveMessage',
    request: Req,
    ctx: CallContext,
    options: RpcCallOptions,
  ): Promise<Frame[]> {
    const definition = this.method(method);
    const deadline = Date.now() + options.timeoutMs;
    return this.withMetadata(ctx, options, deadline, (metadata) => {
      return new Promise<Frame[]>((resolve, reject) => {
        const frames: Frame[] = [];
        const signal = options.signal;
        const stream: ClientReadableStream<Frame> = this.client.makeServerStreamRequest<Req, Frame>(
          definition.path,
          definition.requestSerialize as (value: Req) => Buffer,
          definition.responseDeserialize as (value: Buffer) => Frame,
          request,
          metadata,
          { deadline },
        );
        const onAbort = (): void => stream.cancel();
        const done = (): void => {
          this.active.delete(stream);
          signal?.removeEventListener('abort', onAbort);
        };
        this.active.add(stream);
        signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('data', (frame: Frame) => frames.push(frame));
        stream.on('error', (error: ServiceError) => {
          done();
          reject(grpcError(error, ctx, signal?.aborted === true));
        });
        stream.on('end', () => {
          done();
          resolve(frames);
        });
      });
    });
  }

  /** Opens a Telemetry stream of a session (no deadline: it lives as long as the session). */
  async telemetry<Command>(clientId: string): Promise<ClientDuplexStream<Command, Command>> {
    this.assertOpen();
    const definition = this.method('Telemetry');
    const ctx = this.context('Telemetry');
    const metadata = await this.metadata.build(clientId, ctx.requestId);
    this.assertOpen();
    const stream = this.client.makeBidiStreamRequest<Command, Command>(
      definition.path,
      definition.requestSerialize as (value: Command) => Buffer,
      definition.responseDeserialize as (value: Buffer) => Command,
      metadata,
    );
    this.active.add(stream);
    const forget = (): void => {
      this.active.delete(stream);
    };
    stream.once('error', forget);
    stream.once('close', forget);
    stream.once('end', forget);
    return stream;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Cancels every call still in flight and closes the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.active) call.cancel();
    this.active.clear();
    this.client.close();
  }

  private method(name: string): MethodDefinition<unknown, unknown> {
    const definition = this.methods[name];
    if (definition === undefined) throw new Error(`MessagingService has no method ${name}`);
    return definition;
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  /**
   * Runs `start` with the call's metadata. With a credentials provider the metadata is a promise:
   * the provider's time counts against the call's deadline, and an abort cuts the wait short.
   */
  private withMetadata<T>(
    ctx: CallContext,
    options: RpcCallOptions,
    deadline: number,
    start: (metadata: Metadata) => Promise<T>,
  ): Promise<T> {
    try {
      this.assertOpen();
      if (options.signal?.aborted) throw new MQAbortError(`${ctx.operation} was aborted`);
      const metadata = this.metadata.build(options.clientId, ctx.requestId);
      if (!(metadata instanceof Promise)) return start(metadata);
      return boundedWait(metadata, deadline, options.signal, ctx).then((built) => {
        this.assertOpen();
        return start(built);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

function boundedWait<T>(
  promise: Promise<T>,
  deadline: number,
  signal: AbortSignal | undefined,
  ctx: CallContext,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new MQTimeoutError(`${ctx.operation}: the credentials provider did not answer in time`),
        ),
      Math.max(0, deadline - Date.now()),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new MQAbortError(`${ctx.operation} was aborted`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
