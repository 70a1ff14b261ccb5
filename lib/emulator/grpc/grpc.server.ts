/**
 * The emulator's RocketMQ 5 front: a plaintext @grpc/grpc-js server with the
 * `apache.rocketmq.v2.MessagingService` on the same broker as the HTTP front.
 *
 * RPCs the proxy does not implement (PullMessage and the offset calls) answer gRPC UNIMPLEMENTED with
 * the proxy's wording; RecallMessage and SyncLiteSubscription, which the proxy forwards to brokers
 * that may not support them, answer NOT_IMPLEMENTED. Frames that do not decode are refused by
 * grpc-js (gRPC INTERNAL), and requests above 8 MiB with RESOURCE_EXHAUSTED; nothing a client sends
 * reaches the process uncaught.
 */
import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type handleUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadMessagingService, MESSAGING_SERVICE_NAME } from '../../protocol-grpc/index.js';
import {
  ackMessage,
  changeInvisibleDuration,
  forwardMessageToDeadLetterQueue,
} from './ack.handlers.js';
import { heartbeat, notifyClientTermination } from './client.handlers.js';
import { FAULT_TARGETS } from './fault.targets.js';
import { FAULT_TOUCHES } from './fault.touches.js';
import { createGrpcFront, unary, type GrpcFront, type GrpcFrontOptions } from './grpc.front.js';
import { receiveHandler } from './receive.handler.js';
import { queryAssignment, queryRoute } from './routes.handlers.js';
import { sendMessage } from './send.handler.js';
import { telemetryHandler } from './telemetry.handler.js';
import { endTransaction } from './transaction.handler.js';

/** Largest request frame (a 4 MiB body plus its envelope fits). */
const MAX_RECEIVE_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Concurrent calls per connection (each long poll is one). */
const MAX_CONCURRENT_STREAMS = 1000;
/** How long stop() lets calls finish before it cuts the connections. */
const STOP_GRACE_MS = 1_000;

export class EmulatorGrpcServer {
  private readonly server: Server;
  private readonly front: GrpcFront;
  private bound: { host: string; port: number } | undefined;

  constructor(options: GrpcFrontOptions) {
    this.front = createGrpcFront(options, () => this.bound ?? { host: '127.0.0.1', port: 0 });
    this.server = new Server({
      'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
      'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS,
    });
    this.server.addService(loadMessagingService(), this.implementation());
  }

  /** Binds and returns `host:port`. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const address =
        host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (err, boundPort) => {
        if (err !== null) {
          reject(err);
          return;
        }
        const reachable = clientHost(host);
        this.bound = { host: reachable, port: boundPort };
        resolve(
          reachable.includes(':') ? `[${reachable}]:${boundPort}` : `${reachable}:${boundPort}`,
        );
      });
    });
  }

  /**
   * Ends the Telemetry streams and the transaction-check loops, stops accepting calls, lets running
   * calls finish (parked receives end when the broker closes), then cuts what is left.
   */
  async stop(): Promise<void> {
    this.front.checks.stop();
    this.front.sessions.closeAll();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, STOP_GRACE_MS);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private implementation(): UntypedServiceImplementation {
    const f = this.front;
    const ns = (r: { topic?: { resourceNamespace?: string } | null }): string | undefined =>
      r.topic?.resourceNamespace;
    const groupNs = (r: { group?: { resourceNamespace?: string } | null }): string | undefined =>
      r.group?.resourceNamespace;
    const t = FAULT_TARGETS;
    const m = FAULT_TOUCHES;
    return {
      QueryRoute: unary(f, 'QueryRoute', ns, (req, rc) => queryRoute(f, req, rc), t.QueryRoute),
      Heartbeat: unary(f, 'Heartbeat', groupNs, (req, rc) => heartbeat(f, req, rc), t.Heartbeat),
      SendMessage: unary(
        f,
        'SendMessage',
        (r: { messages?: { topic?: { resourceNamespace?: string } | null }[] }) =>
          r.messages?.[0]?.topic?.resourceNamespace,
        (req, rc) => sendMessage(f, req, rc),
        t.SendMessage,
        m.SendMessage,
      ),
      QueryAssignment: unary(
        f,
        'QueryAssignment',
        ns,
        (req, rc) => queryAssignment(f, req, rc),
        t.QueryAssignment,
      ),
      ReceiveMessage: receiveHandler(f),
      AckMessage: unary(
        f,
        'AckMessage',
        ns,
        (req, rc) => ackMessage(f, req, rc),
        t.AckMessage,
        m.AckMessage,
      ),
      ForwardMessageToDeadLetterQueue: unary(
        f,
        'ForwardMessageToDeadLetterQueue',
        ns,
        (req, rc) => forwardMessageToDeadLetterQueue(f, req, rc),
        t.ForwardMessageToDeadLetterQueue,
        m.ForwardMessageToDeadLetterQueue,
      ),
      EndTransaction: unary(
        f,
        'EndTransaction',
        ns,
        (req, rc) => endTransaction(f, req, rc),
        t.EndTransaction,
        m.EndTransaction,
      ),
      Telemetry: telemetryHandler(f),
      NotifyClientTermination: unary(
        f,
        'NotifyClientTermination',
        groupNs,
        (req, rc) => notifyClientTermination(f, req, rc),
        t.NotifyClientTermination,
      ),
      ChangeInvisibleDuration: unary(
        f,
        'ChangeInvisibleDuration',
        ns,
        (req, rc) => changeInvisibleDuration(f, req, rc),
        t.ChangeInvisibleDuration,
        m.ChangeInvisibleDuration,
      ),
      RecallMessage: notImplemented('RecallMessage'),
      SyncLiteSubscription: notImplemented('SyncLiteSubscription'),
      PullMessage: unimplemented('PullMessage'),
      UpdateOffset: unimplemented('UpdateOffset'),
      GetOffset: unimplemented('GetOffset'),
      QueryOffset: unimplemented('QueryOffset'),
    };
  }
}

/** What the proxy's gRPC stub answers for a method it does not implement. */
function unimplemented(method: string): (call: unknown, callback?: unknown) => void {
  const error = {
    code: GrpcStatus.UNIMPLEMENTED,
    details: `Method ${MESSAGING_SERVICE_NAME}/${method} is unimplemented`,
  };
  return (call, callback) => {
    if (typeof callback === 'function') {
      (callback as (err: unknown) => void)(error);
    } else {
      (call as { emit(event: string, err: unknown): void }).emit('error', error);
    }
  };
}

/** A call the proxy forwards to a broker that does not support it. */
function notImplemented(method: string): handleUnaryCall<unknown, unknown> {
  return (_call, callback) =>
    callback(null, {
      status: { code: 'NOT_IMPLEMENTED', message: `${method} is not supported by the emulator` },
    });
}

function clientHost(host: string): string {
  // A wildcard bind is reachable on loopback.
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
