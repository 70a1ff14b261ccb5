/**
 * A MessagingService that misbehaves on purpose, for failure measurements and deadline tests:
 * - `silent`: accepts every call and never answers;
 * - `data`: answers QueryRoute, Heartbeat and the Telemetry settings like a proxy, and never
 *   answers SendMessage, ReceiveMessage, AckMessage, EndTransaction and NotifyClientTermination;
 * - `drops-telemetry`: as `data`, but ends the first Telemetry stream right after its settings
 *   reply (a proxy restarting, a load balancer cutting the stream).
 */
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { loadMessagingService } from '../../lib/protocol-grpc/grpc.loader.js';
import type { TelemetryCommand } from '../../lib/protocol-grpc/grpc.types.js';

export interface StallingServer {
  /** host:port */
  endpoint: string;
  /** Method names called so far, in order (and `Telemetry.settings` per settings command). */
  calls: string[];
  close(): Promise<void>;
}

export async function startStallingServer(
  mode: 'silent' | 'data' | 'drops-telemetry',
  /** Unary methods answered at once with these responses instead of stalling (not in `silent`). */
  answers: Record<string, unknown> = {},
): Promise<StallingServer> {
  const definition: ServiceDefinition = loadMessagingService();
  const server = new Server();
  const calls: string[] = [];
  let port = 0;
  let telemetryStreams = 0;
  const handlers: Record<string, (...args: never[]) => void> = {};
  for (const name of Object.keys(definition)) {
    handlers[name] = ((
      call: {
        request?: { topic?: unknown };
        on?: (event: string, listener: (value: TelemetryCommand) => void) => void;
        write?: (command: TelemetryCommand) => void;
        end?: () => void;
      },
      callback?: (error: null, response: unknown) => void,
    ) => {
      calls.push(name);
      if (mode === 'silent') return;
      if (answers[name] !== undefined) {
        callback?.(null, answers[name]);
      } else if (name === 'QueryRoute') {
        callback?.(null, {
          status: { code: 'OK', message: 'OK' },
          messageQueues: [
            {
              topic: call.request?.topic,
              id: 0,
              permission: 'READ_WRITE',
              broker: {
                name: 'stall',
                id: 0,
                endpoints: { scheme: 'IPv4', addresses: [{ host: '127.0.0.1', port }] },
              },
              acceptMessageTypes: ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'],
            },
          ],
        });
      } else if (name === 'Heartbeat') {
        callback?.(null, { status: { code: 'OK', message: 'OK' } });
      } else if (name === 'Telemetry') {
        const dropAfterReply = mode === 'drops-telemetry' && ++telemetryStreams === 1;
        call.on?.('data', (command) => {
          if (!command.settings) return;
          calls.push('Telemetry.settings');
          call.write?.({
            status: { code: 'OK', message: 'OK' },
            settings: {
              ...command.settings,
              backoffPolicy: {
                maxAttempts: 3,
                exponentialBackoff: {
                  initial: { seconds: 0, nanos: 10_000_000 },
                  max: { seconds: 1, nanos: 0 },
                  multiplier: 2,
                },
              },
              ...(command.settings.publishing && {
                publishing: { ...command.settings.publishing, maxBodySize: 4 * 1024 * 1024 },
              }),
            },
          });
          if (dropAfterReply) call.end?.();
        });
        call.on?.('end', () => call.end?.());
      }
    }) as never;
  }
  server.addService(definition, handlers as never);
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
