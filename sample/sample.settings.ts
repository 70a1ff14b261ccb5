import type { MQTransportKind } from '../lib/index.js';

/**
 * Settings of the sample, from the environment. Without MQ_ENDPOINT the app starts the emulator in
 * process with shortened redelivery windows (seconds instead of the cloud's 5 min / 1 min), so the
 * demo shows a retry while you watch; with it, the cloud's real timings apply. MQ_TRANSPORT=grpc
 * speaks RocketMQ 5 (ApsaraMQ 5.x, Apache RocketMQ 5 proxies) instead of the MQ HTTP protocol.
 */
export class SampleSettings {
  /** True when no MQ_ENDPOINT is set: the embedded emulator is used. */
  readonly embedded: boolean;
  /** `MQ_TRANSPORT`: 'http' (default) or 'grpc'. */
  readonly transport: MQTransportKind;
  /**
   * When a failed message comes back. HTTP: when its invisibility window ends (emulator:
   * shortened; cloud: 5 min). gRPC: the consumer hands it back with the retry backoff (1 s first).
   */
  readonly redeliveryMs: number;
  /** True when SAMPLE_REDELIVERY_MS set `redeliveryMs`. */
  readonly redeliveryFromEnv: boolean;
  /** When an unacked orderly message comes back (emulator: shortened; cloud: 1 min). */
  readonly orderlyRedeliveryMs: number;
  /** How long a created order waits for its payment before the timeout message cancels it. */
  readonly paymentWindowMs: number;
  /** The demo fails (never hangs) when its messages are not all handled within this. */
  readonly demoTimeoutMs: number;
  /** HTTP port (`PORT`, default 3000; the demo listens on any free port). */
  readonly port: number;

  constructor(env: NodeJS.ProcessEnv, demo: boolean) {
    this.embedded = !env.MQ_ENDPOINT;
    this.transport = parseTransport(env.MQ_TRANSPORT);
    // SAMPLE_REDELIVERY_MS: for a broker with other windows than the cloud's, e.g. a standalone
    // emulator started with --invisibility-ms (the embedded one uses 3 s).
    const redelivery = optionalMs(env.SAMPLE_REDELIVERY_MS, 'SAMPLE_REDELIVERY_MS');
    this.redeliveryMs =
      redelivery ?? (this.transport === 'grpc' ? 1_000 : this.embedded ? 3_000 : 300_000);
    this.redeliveryFromEnv = redelivery !== undefined;
    this.orderlyRedeliveryMs = this.embedded ? 2_000 : 60_000;
    // The window must outlast one redelivery of a failed charge, or the retry finds the order
    // cancelled: on the cloud more than 5 minutes.
    this.paymentWindowMs = this.redeliveryMs + Math.max(3_000, this.redeliveryMs / 5);
    // The slowest steps: the payment window, and the transaction check (10 s, the minimum).
    this.demoTimeoutMs = Math.max(45_000, this.paymentWindowMs + 60_000);
    this.port = demo ? 0 : parsePort(env.PORT);
  }
}

function parseTransport(value: string | undefined): MQTransportKind {
  if (value === undefined || value === '' || value === 'http') return 'http';
  if (value === 'grpc') return 'grpc';
  throw new Error(`MQ_TRANSPORT must be "http" or "grpc", got "${value}"`);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

function optionalMs(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1_000 || ms > 3_600_000) {
    throw new Error(
      `${name} must be an integer number of ms between 1000 and 3600000, got "${value}"`,
    );
  }
  return ms;
}
