/**
 * Our RocketMQ 5 client against an in-process emulator's gRPC front (virtual clock, strict auth),
 * with its background lines collected.
 */
import { startEmulator } from '../../../lib/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../lib/emulator/index.js';
import { RocketMQ5Client } from '../../../lib/client-grpc/index.js';
import type { RocketMQ5ClientOptions } from '../../../lib/client-grpc/index.js';

export interface GrpcClientHarness {
  emulator: RunningEmulator;
  /** Lines the clients logged (log and warn). */
  lines: string[];
  client(options?: RocketMQ5ClientOptions): RocketMQ5Client;
  close(): Promise<void>;
}

export async function grpcClientHarness(options: EmulatorOptions = {}): Promise<GrpcClientHarness> {
  const emulator = await startEmulator({ clock: 'virtual', grpcPort: 0, ...options });
  const lines: string[] = [];
  const clients: RocketMQ5Client[] = [];
  return {
    emulator,
    lines,
    client(o = {}) {
      const client = new RocketMQ5Client(emulator.grpcEndpoint!, emulator.credentials, {
        namespace: emulator.instanceId,
        logger: { log: (line) => lines.push(line), warn: (line) => lines.push(line) },
        ...o,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await emulator.stop();
    },
  };
}
