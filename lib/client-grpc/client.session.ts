/**
 * One client identity towards the proxy (one `x-mq-client-id`): the producer, or the simple
 * consumer of one group. The proxy keys everything by client id: the settings it received on the
 * Telemetry stream (ReceiveMessage reads the group's FIFO flag and retry policy from them),
 * heartbeats (without them it forgets the client after ~2 min), the producer's topics (a
 * transactional topic's orphaned-transaction checks are pushed on its stream) and the termination.
 *
 * A session keeps one Telemetry stream open while the client lives: it sends the settings, waits
 * for the proxy's reply before the first call that needs them, re-sends them when they grow (a new
 * topic) or the proxy lost them, and reopens a broken stream with a backoff (unref'd timer).
 */
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { MQAbortError, MQNetworkError, MQTimeoutError } from '../client/client.errors.js';
import { isSuccessCode } from '../protocol-grpc/grpc.status.js';
import type {
  RecoverOrphanedTransactionCommand,
  Settings,
  TelemetryCommand,
} from '../protocol-grpc/grpc.types.js';
import type { GrpcClientLogger } from './client.logger.js';
import { closedError, grpcError, serviceError } from './grpc.errors.js';
import { ReconnectSchedule } from './session.reconnect.js';
import { notifyTermination } from './session.termination.js';
import {
  mergeExpressions,
  newClientId,
  sessionSettings,
  type SessionClientType,
  type SettingsSource,
} from './session.settings.js';

export interface SessionHost extends SettingsSource {
  readonly logger: GrpcClientLogger;
  /** Producer sessions: an orphaned transaction the broker asks about. */
  onTransactionCheck(command: RecoverOrphanedTransactionCommand): void;
}

interface SettingsExchange {
  version: number;
  promise: Promise<void>;
  settle(error?: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

export class ClientSession {
  readonly clientId = newClientId();
  /** Producer: publishing topics (value ''). Consumer: topic → tag expression. */
  private readonly topics = new Map<string, string>();
  private stream: ClientDuplexStream<TelemetryCommand, TelemetryCommand> | undefined;
  private opening: Promise<void> | undefined;
  /** Bumped when the settings change; `synced` is the version the proxy acknowledged. */
  private version = 0;
  private synced = -1;
  /** The settings exchange under way (one at a time: replies carry no correlation id). */
  private exchange: SettingsExchange | undefined;
  private readonly reconnects = new ReconnectSchedule(() => {
    this.ready().catch(() => {
      // The attempt failed before a stream existed (onGone did not run): try again later.
      if (this.stream === undefined) this.reconnects.retry();
    });
  });
  private broken = false;
  private closed = false;
  /** Ever acknowledged: the proxy knows this client id (termination is worth sending). */
  private known = false;
  /** The settings as the proxy merged them (FIFO flag, retry policy, body limit). */
  serverSettings: Settings | undefined;

  constructor(
    private readonly host: SessionHost,
    readonly clientType: SessionClientType,
    /** Consumer sessions: the group. */
    readonly group?: string,
  ) {}

  /** True while the proxy holds this session's current settings on a live stream. */
  get registered(): boolean {
    return this.synced >= 0 && this.stream !== undefined;
  }

  /** Adds a topic (consumer: with its tag expression); true when the settings changed. */
  addTopic(topic: string, expression = ''): boolean {
    const known = this.topics.get(topic);
    // Consumers of one group that subscribe a topic with different tags: the proxy keeps one
    // expression per topic and group, so the union ('*' wins) is what it must know.
    const merged = known === undefined ? expression : mergeExpressions(known, expression);
    if (merged === known) return false;
    this.topics.set(topic, merged);
    this.version++;
    return true;
  }

  /** Resolves once the proxy holds the current settings (opening the stream if needed). */
  ready(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    if (this.synced === this.version && this.stream !== undefined) return Promise.resolve();
    const run = this.exchangeSettings();
    return signal === undefined ? run : abortable(run, signal);
  }

  /** The proxy lost this client's settings (a heartbeat said so): send them again. */
  invalidate(): void {
    this.version++;
  }

  /** The settings command the proxy expects from this session. */
  settings(): Settings {
    return sessionSettings(this.host, this.clientType, this.group, this.topics);
  }

  /** Tells the proxy this client is going away and ends the stream. Never rejects. */
  async terminate(timeoutMs: number): Promise<void> {
    this.closed = true;
    this.reconnects.stop();
    this.finish(this.exchange, closedError());
    if (this.known && !this.host.channel.isClosed) {
      await notifyTermination(this.host, this.clientId, this.group, this.describe(), timeoutMs);
    }
    const stream = this.stream;
    this.stream = undefined;
    // Half-close: the proxy completes its side; the channel's close cancels it if it does not.
    endQuietly(stream);
  }

  describe(): string {
    return this.group === undefined
      ? `producer ${this.clientId}`
      : `consumer of group ${this.group} (${this.clientId})`;
  }

  private exchangeSettings(): Promise<void> {
    const current = this.exchange;
    if (current !== undefined) {
      if (current.version === this.version) return current.promise;
      // Older settings are on their way: once answered, send the newer ones.
      return current.promise.then(
        () => this.ready(),
        () => this.ready(),
      );
    }
    let settle!: (error?: Error) => void;
    const promise = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Nobody may be waiting (a background reconnect): never an unhandled rejection.
    promise.catch(() => undefined);
    const exchange: SettingsExchange = { version: this.version, promise, settle };
    this.exchange = exchange;
    void this.send(exchange);
    return promise;
  }

  private async send(exchange: SettingsExchange): Promise<void> {
    try {
      if (this.stream === undefined) await this.open();
      if (this.exchange !== exchange) return; // failed or closed meanwhile
      exchange.version = this.version;
      this.stream!.write({ settings: this.settings() });
      exchange.timer = setTimeout(() => {
        this.finish(
          exchange,
          new MQTimeoutError(
            `RocketMQ 5 ${this.describe()}: the proxy did not answer the settings within ${this.host.requestTimeoutMs} ms`,
          ),
        );
      }, this.host.requestTimeoutMs);
      exchange.timer.unref();
    } catch (error) {
      this.finish(exchange, error as Error);
    }
  }

  private finish(exchange: SettingsExchange | undefined, error?: Error): void {
    if (exchange === undefined || this.exchange !== exchange) return;
    this.exchange = undefined;
    clearTimeout(exchange.timer);
    exchange.settle(error);
  }

  private open(): Promise<void> {
    this.opening ??= this.host.channel
      .telemetry<TelemetryCommand>(this.clientId)
      .then((stream) => {
        if (this.closed) {
          endQuietly(stream);
          throw closedError();
        }
        this.stream = stream;
        this.reconnects.opened();
        this.synced = -1;
        stream.on('data', (command: TelemetryCommand) => this.onCommand(command));
        stream.on('error', (error: Error) => this.onGone(stream, error));
        stream.on('end', () => this.onGone(stream, undefined));
      })
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  private onCommand(command: TelemetryCommand): void {
    if (command.settings) {
      this.onSettings(command);
    } else if (command.recoverOrphanedTransactionCommand) {
      this.host.onTransactionCheck(command.recoverOrphanedTransactionCommand);
    } else if (command.verifyMessageCommand) {
      // Verifying a consumption is a PushConsumer feature; this client has no listener to run.
      this.write({
        status: { code: 'NOT_IMPLEMENTED', message: 'not supported by this client' },
        verifyMessageResult: { nonce: command.verifyMessageCommand.nonce ?? '' },
      });
    } else if (command.printThreadStackTraceCommand) {
      this.write({
        status: { code: 'OK', message: 'OK' },
        threadStackTrace: {
          nonce: command.printThreadStackTraceCommand.nonce ?? '',
          threadStackTrace: `Node.js ${process.version}, pid ${process.pid}: no thread stacks`,
        },
      });
    } else if (command.reconnectEndpointsCommand) {
      this.host.logger.log(`RocketMQ 5 ${this.describe()}: the proxy asked to reconnect`);
      this.restart();
    } else if (command.status && !isSuccessCode(command.status.code)) {
      const error = serviceError(command.status, this.context('Telemetry'));
      if (this.exchange !== undefined) this.finish(this.exchange, error);
      else this.host.logger.warn(`RocketMQ 5 ${this.describe()}: ${error.message}`);
    }
  }

  private onSettings(command: TelemetryCommand): void {
    const exchange = this.exchange;
    if (command.status && !isSuccessCode(command.status.code)) {
      const error = serviceError(command.status, this.context('Telemetry settings'));
      if (exchange !== undefined) this.finish(exchange, error);
      else this.host.logger.warn(`RocketMQ 5 ${this.describe()}: ${error.message}`);
      return;
    }
    this.serverSettings = command.settings ?? undefined;
    if (exchange === undefined || exchange.timer === undefined) return; // pushed unasked: kept
    this.synced = exchange.version;
    this.known = true;
    if (this.broken) {
      this.broken = false;
      this.host.logger.log(`RocketMQ 5 ${this.describe()}: telemetry session restored`);
    }
    this.finish(exchange);
  }

  private context(operation: string) {
    return { operation, requestId: '', endpoint: this.host.channel.endpoint.target };
  }

  private write(command: TelemetryCommand): void {
    try {
      this.stream?.write(command);
    } catch (error) {
      this.host.logger.warn(
        `RocketMQ 5 ${this.describe()}: telemetry write failed: ${String(error)}`,
      );
    }
  }

  /** Ends the current stream and opens a new one at once (the proxy asked to reconnect). */
  private restart(): void {
    const stream = this.stream;
    this.stream = undefined;
    this.synced = -1;
    endQuietly(stream);
    stream?.cancel();
    this.reconnects.now();
  }

  private onGone(
    stream: ClientDuplexStream<TelemetryCommand, TelemetryCommand>,
    error: Error | undefined,
  ): void {
    if (this.stream !== stream) return; // a stream we already replaced or closed
    this.stream = undefined;
    this.synced = -1;
    const reason =
      error === undefined
        ? 'the proxy ended the telemetry stream'
        : `telemetry stream failed: ${error.message}`;
    // A stream the proxy failed with a status (bad settings: INVALID_ARGUMENT) says why; one that
    // just ended or broke is a network condition.
    const failure =
      error !== undefined && typeof (error as { code?: unknown }).code === 'number'
        ? grpcError(error, this.context('Telemetry'), false)
        : new MQNetworkError(`RocketMQ 5 ${this.describe()}: ${reason}`, error);
    this.finish(this.exchange, failure);
    if (this.closed) return;
    if (!this.broken) {
      this.broken = true;
      this.host.logger.warn(`RocketMQ 5 ${this.describe()}: ${reason}; reconnecting`);
    }
    // A stream that was healthy for a while: reconnect at once; one that keeps breaking: back off.
    this.reconnects.broke();
  }
}

function endQuietly(
  stream: ClientDuplexStream<TelemetryCommand, TelemetryCommand> | undefined,
): void {
  try {
    stream?.end();
  } catch {
    // already gone
  }
}

function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new MQAbortError('The operation was aborted'));
    const onAbort = (): void => reject(new MQAbortError('The operation was aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
