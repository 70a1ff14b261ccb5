/**
 * The unchanged official RocketMQ 5 Node client (rocketmq-client-nodejs 1.0.8) against an
 * in-process emulator with its gRPC front. Clients get a silent logger (the default one writes
 * files under $HOME) and are all shut down at the end, which also clears their timers.
 */
import { Producer, SimpleConsumer } from 'rocketmq-client-nodejs';
import type { ProducerOptions, SimpleConsumerOptions } from 'rocketmq-client-nodejs';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../lib/emulator/index.js';

/** The ILogger the client accepts; `errors` keeps what the client reported, for diagnosis. */
export function silentLogger(errors: string[] = []): {
  info(): void;
  warn(): void;
  debug(): void;
  error(...args: unknown[]): void;
} {
  return {
    info: () => undefined,
    warn: () => undefined,
    debug: () => undefined,
    error: (...args: unknown[]) => {
      errors.push(args.map(String).join(' '));
    },
  };
}

export interface Rmq5Harness {
  emulator: RunningEmulator;
  /** Emulator log lines (the gRPC front logs one line per call). */
  lines: string[];
  /** What the clients logged as errors. */
  clientErrors: string[];
  producer(options?: Partial<ProducerOptions>): Promise<Producer>;
  consumer(
    group: string,
    subscriptions: Record<string, string>,
    options?: Partial<SimpleConsumerOptions>,
  ): Promise<SimpleConsumer>;
  /** Options of a client of this emulator (endpoints, namespace, credentials, silent logger). */
  clientOptions(): {
    endpoints: string;
    namespace: string;
    sessionCredentials: { accessKey: string; accessSecret: string };
    logger: ReturnType<typeof silentLogger>;
  };
  close(): Promise<void>;
}

export async function rmq5Harness(options: EmulatorOptions = {}): Promise<Rmq5Harness> {
  const lines: string[] = [];
  const clientErrors: string[] = [];
  const emulator = await startEmulator({
    clock: 'virtual',
    grpcPort: 0,
    logger: (line) => lines.push(line),
    ...options,
  });
  const clients: { shutdown(): Promise<void> }[] = [];
  const clientOptions = () => ({
    endpoints: emulator.grpcEndpoint!,
    namespace: emulator.instanceId,
    sessionCredentials: {
      accessKey: emulator.credentials.accessKeyId,
      accessSecret: emulator.credentials.accessKeySecret,
    },
    logger: silentLogger(clientErrors),
  });
  return {
    emulator,
    lines,
    clientErrors,
    clientOptions,
    async producer(o = {}) {
      const producer = new Producer({ ...clientOptions(), ...o } as ProducerOptions);
      clients.push(producer);
      await producer.startup();
      return producer;
    },
    async consumer(group, subscriptions, o = {}) {
      const consumer = new SimpleConsumer({
        ...clientOptions(),
        consumerGroup: group,
        subscriptions: new Map(Object.entries(subscriptions)),
        awaitDuration: 300,
        ...o,
      } as SimpleConsumerOptions);
      clients.push(consumer);
      await consumer.startup();
      return consumer;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.shutdown()));
      await emulator.stop();
    },
  };
}
