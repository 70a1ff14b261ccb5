/**
 * A protocol's entry at the seam: the checks the Nest layer runs on options at bootstrap, and the
 * factory of its transport. Checks throw `MQInvalidArgumentError` naming the argument at fault.
 */
import type {
  MQClientOptions,
  MQCredentials,
  MQCredentialsProvider,
} from '../client/client.types.js';
import type { MQTransport, MQTransportKind } from './mq-transport.js';

/** Where a transport reports what happens outside any call (gRPC: telemetry, heartbeats). */
export interface MQTransportLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** What one connection's transport is built from. */
export interface MQTransportConfig {
  endpoint: string;
  credentials: MQCredentials | MQCredentialsProvider;
  /** HTTP: the `ns` instance id. RocketMQ 5: the namespace (ApsaraMQ 5.x: the instance id). */
  instanceId?: string;
  /** Client tuning (timeouts, pools, clock); each protocol reads what applies to it. */
  options: MQClientOptions;
  /** Background problems of the transport (default: silent). */
  logger?: MQTransportLogger;
}

/** A subscription as the checks see it. */
export interface MQSubscriptionCheck {
  topic: string;
  group: string;
  tags?: readonly string[];
  instanceId?: string;
  /** `checks`: the transaction checks of a transactional topic (no tag filter). */
  mode: 'normal' | 'orderly' | 'checks';
}

export interface MQTransportDriver {
  readonly kind: MQTransportKind;
  /** Shown in endpoint errors. */
  readonly endpointExample: string;
  /** Largest batch one receive may ask for (the consumers' `batchSize` limit). */
  readonly maxBatchSize: number;
  checkEndpoint(endpoint: unknown): void;
  /** The `client` tuning options: unknown keys and bad values, named `client.<key>`. */
  checkClientOptions(options: MQClientOptions): void;
  checkInstanceId(instanceId: unknown): void;
  checkSubscription(subscription: MQSubscriptionCheck): void;
  /** Builds the transport; opens nothing yet where the protocol allows (connections are lazy). */
  create(config: MQTransportConfig): MQTransport | Promise<MQTransport>;
}
