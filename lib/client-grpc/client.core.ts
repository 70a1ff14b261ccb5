/**
 * What every call of the RocketMQ 5 client shares: the channel, the sessions (one producer, one
 * simple consumer per group), topic routes, heartbeats and the queue of transaction checks. The
 * calls themselves live in producer.calls.ts and consumer.calls.ts.
 */
import { checkCredentialsSource } from '../client/client.options.js';
import type { MQCredentials, MQCredentialsProvider } from '../client/client.types.js';
import { isSuccessCode } from '../protocol-grpc/grpc.status.js';
import type {
  HeartbeatResponse,
  Message,
  MessageQueue,
  QueryRouteResponse,
  RecoverOrphanedTransactionCommand,
} from '../protocol-grpc/grpc.types.js';
import type { ResolvedRocketMQ5Options } from './client.options.js';
import { ClientSession } from './client.session.js';
import { closedError, serviceError, statusCodeName } from './grpc.errors.js';
import { parseGrpcEndpoint } from './grpc.endpoint.js';
import { RequestMetadata } from './request.metadata.js';
import { RouteCache, type TopicRoute } from './route.cache.js';
import { RpcChannel } from './rpc.channel.js';
import { TransactionCheckQueue } from './transaction-checks.js';

/** A check pushed by the proxy: the half message and its transaction id. */
export interface RawTransactionCheck {
  message: Message;
  transactionId: string;
}

export class ClientCore {
  readonly channel: RpcChannel;
  readonly producer: ClientSession;
  readonly checks: TransactionCheckQueue<RawTransactionCheck>;
  private readonly consumers = new Map<string, ClientSession>();
  private readonly routes: RouteCache;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  /** Sessions whose last heartbeat failed (logged once per episode). */
  private readonly heartbeatFailing = new Set<ClientSession>();
  private closing: Promise<void> | undefined;
  private readonly droppedChecks = new Map<string, { count: number; loggedAt: number }>();

  constructor(
    endpoint: string,
    credentials: MQCredentials | MQCredentialsProvider,
    readonly options: ResolvedRocketMQ5Options,
  ) {
    const parsed = parseGrpcEndpoint(endpoint);
    const metadata = new RequestMetadata(checkCredentialsSource(credentials), options.namespace);
    this.channel = new RpcChannel(parsed, options.tls, metadata);
    const host = {
      channel: this.channel,
      namespace: options.namespace,
      requestTimeoutMs: options.requestTimeoutMs,
      logger: options.logger,
      onTransactionCheck: (command: RecoverOrphanedTransactionCommand) => this.onCheck(command),
    };
    this.producer = new ClientSession(host, 'PRODUCER');
    this.sessionHost = host;
    this.checks = new TransactionCheckQueue((topic, count) => this.onChecksDropped(topic, count));
    this.routes = new RouteCache(
      (topic) => this.queryRoute(topic),
      (topic, error) =>
        options.logger.warn(
          `RocketMQ 5: refreshing the route of topic ${topic} failed (${(error as Error).message}); the previous route stays in use`,
        ),
    );
  }

  private readonly sessionHost: ConstructorParameters<typeof ClientSession>[0];

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  assertOpen(): void {
    if (this.closing !== undefined) throw closedError();
  }

  /** The simple-consumer session of a group (created on first use). */
  consumer(group: string): ClientSession {
    let session = this.consumers.get(group);
    if (session === undefined) {
      session = new ClientSession(this.sessionHost, 'SIMPLE_CONSUMER', group);
      this.consumers.set(group, session);
      this.startHeartbeats();
    }
    return session;
  }

  /** The producer session with `topic` among its publishing topics (settings sent when it grows). */
  producerWith(topic: string): ClientSession {
    if (this.producer.addTopic(topic)) this.startHeartbeats();
    return this.producer;
  }

  route(topic: string): TopicRoute | Promise<TopicRoute> {
    return this.routes.get(topic);
  }

  /** Closes everything within `closeTimeoutMs`: termination notices, streams, then the channel. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.heartbeatTimer);
      this.checks.close();
      const timeout = this.options.closeTimeoutMs;
      const sessions = [this.producer, ...this.consumers.values()];
      await Promise.all(sessions.map((session) => session.terminate(timeout)));
      this.channel.close();
    })();
    return this.closing;
  }

  private async queryRoute(topic: string): Promise<MessageQueue[]> {
    const ctx = this.channel.context('QueryRoute');
    const { host, port } = this.channel.endpoint;
    const response = await this.channel.unary<object, QueryRouteResponse>(
      'QueryRoute',
      {
        topic: { name: topic, resourceNamespace: this.options.namespace },
        endpoints: { scheme: 'DOMAIN_NAME', addresses: [{ host, port }] },
      },
      ctx,
      { clientId: this.producer.clientId, timeoutMs: this.options.requestTimeoutMs },
    );
    if (!isSuccessCode(response.status?.code)) throw serviceError(response.status, ctx);
    const queues = response.messageQueues ?? [];
    if (queues.length === 0) {
      throw serviceError(
        { code: 'NOT_FOUND', message: `topic ${topic} has no message queue` },
        ctx,
      );
    }
    return queues;
  }

  private onCheck(command: RecoverOrphanedTransactionCommand): void {
    const message = command.message;
    const transactionId = command.transactionId ?? '';
    let topic = message?.topic?.name ?? '';
    const ns = this.options.namespace;
    // A namespaced proxy may name the topic `ns%topic`; checkers know it without the namespace.
    if (ns.length > 0 && topic.startsWith(ns + '%')) topic = topic.slice(ns.length + 1);
    if (message == null || topic === '' || transactionId === '') {
      this.options.logger.warn(
        'RocketMQ 5: ignored a transaction check without message or transaction id',
      );
      return;
    }
    this.checks.push(topic, transactionId, { message, transactionId });
  }

  /** Checks nobody took in time: said at most once a minute per topic. */
  private onChecksDropped(topic: string, count: number): void {
    const entry = this.droppedChecks.get(topic) ?? { count: 0, loggedAt: -Infinity };
    entry.count += count;
    this.droppedChecks.set(topic, entry);
    const now = Date.now();
    if (now - entry.loggedAt < 60_000) return;
    this.options.logger.warn(
      `RocketMQ 5: ${entry.count} transaction check(s) of topic ${topic} were not taken in time (is a transaction checker of the topic running?); the broker asks again`,
    );
    entry.count = 0;
    entry.loggedAt = now;
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer !== undefined || this.closing !== undefined) return;
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.options.heartbeatIntervalMs);
    // Heartbeats never keep a process alive on their own.
    this.heartbeatTimer.unref();
  }

  private heartbeat(): void {
    for (const session of [this.producer, ...this.consumers.values()]) {
      if (!session.registered) continue;
      void this.heartbeatOne(session);
    }
  }

  private async heartbeatOne(session: ClientSession): Promise<void> {
    const ctx = this.channel.context('Heartbeat');
    const request =
      session.group === undefined
        ? { clientType: session.clientType }
        : {
            clientType: session.clientType,
            group: { name: session.group, resourceNamespace: this.options.namespace },
          };
    try {
      const response = await this.channel.unary<object, HeartbeatResponse>(
        'Heartbeat',
        request,
        ctx,
        {
          clientId: session.clientId,
          timeoutMs: this.options.requestTimeoutMs,
        },
      );
      const code = statusCodeName(response.status);
      if (code === 'UNRECOGNIZED_CLIENT_TYPE') {
        // The proxy lost this client's settings (restarted, or expired it): register again. Said
        // once until a heartbeat succeeds again.
        if (!this.heartbeatFailing.has(session)) {
          this.heartbeatFailing.add(session);
          this.options.logger.warn(
            `RocketMQ 5 ${session.describe()}: the proxy forgot the client; re-sending its settings`,
          );
        }
        session.invalidate();
        session.ready().catch(() => undefined);
        return;
      }
      if (!isSuccessCode(response.status?.code)) throw serviceError(response.status, ctx);
      if (this.heartbeatFailing.delete(session)) {
        this.options.logger.log(`RocketMQ 5 ${session.describe()}: heartbeats succeed again`);
      }
    } catch (error) {
      if (this.closing !== undefined) return;
      if (!this.heartbeatFailing.has(session)) {
        this.heartbeatFailing.add(session);
        this.options.logger.warn(
          `RocketMQ 5 ${session.describe()}: heartbeat failed (${(error as Error).message}); retrying every ${this.options.heartbeatIntervalMs} ms`,
        );
      }
    }
  }
}
