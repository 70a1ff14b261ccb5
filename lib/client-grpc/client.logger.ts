/** Where the RocketMQ 5 client reports what happens in the background (telemetry, heartbeats). */
export interface GrpcClientLogger {
  log(message: string): void;
  warn(message: string): void;
}

export const SILENT_LOGGER: GrpcClientLogger = { log: () => undefined, warn: () => undefined };
