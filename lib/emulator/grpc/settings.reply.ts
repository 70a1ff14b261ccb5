/**
 * The Telemetry settings handshake: what the proxy answers to a client's settings — the client's own
 * settings merged with the server's (GrpcClientSettingsManager). Clients depend on it:
 * rocketmq-client-nodejs waits for it in startup(), refuses every send while
 * `publishing.max_body_size` is 0, hangs unless the backoff policy is exponential, and takes
 * `receive_batch_size`, `long_polling_timeout` and `fifo` from it for PushConsumers.
 */
import {
  msToDuration,
  ROCKETMQ5_PROXY_DEFAULTS as PROXY,
  type Settings,
} from '../../protocol-grpc/index.js';

/** The emulator returns at most this many messages per receive (the HTTP protocol's limit). */
export const MAX_RECEIVE_BATCH = 16;

/** Consumer retry backoff pushed to clients (seconds-scale exponential). */
const CONSUMER_BACKOFF = { initialMs: 1_000, maxMs: 60_000, multiplier: 2 };

export interface ConsumerSettingsFacts {
  fifo: boolean;
  /** Delivery attempts before the dead-letter queue: the broker's maxRetries + 1. */
  maxAttempts: number;
  longPollingMs: number;
}

export function producerSettingsReply(client: Settings): Settings {
  return {
    ...base(client),
    backoffPolicy: {
      maxAttempts: PROXY.producerMaxAttempts,
      exponentialBackoff: {
        initial: msToDuration(PROXY.producerBackoffInitialMs),
        max: msToDuration(PROXY.producerBackoffMaxMs),
        multiplier: PROXY.producerBackoffMultiplier,
      },
    },
    publishing: {
      topics: client.publishing?.topics ?? [],
      maxBodySize: PROXY.maxBodyBytes,
      validateMessageType: true,
    },
  };
}

export function consumerSettingsReply(client: Settings, facts: ConsumerSettingsFacts): Settings {
  const sub = client.subscription ?? {};
  return {
    ...base(client),
    backoffPolicy: {
      maxAttempts: facts.maxAttempts,
      exponentialBackoff: {
        initial: msToDuration(CONSUMER_BACKOFF.initialMs),
        max: msToDuration(CONSUMER_BACKOFF.maxMs),
        multiplier: CONSUMER_BACKOFF.multiplier,
      },
    },
    subscription: {
      group: sub.group ?? null,
      subscriptions: sub.subscriptions ?? [],
      fifo: facts.fifo,
      receiveBatchSize: MAX_RECEIVE_BATCH,
      longPollingTimeout: msToDuration(facts.longPollingMs),
    },
  };
}

function base(client: Settings): Settings {
  const out: Settings = { metric: { on: false } };
  if (client.clientType !== undefined) out.clientType = client.clientType;
  if (client.accessPoint !== undefined && client.accessPoint !== null)
    out.accessPoint = client.accessPoint;
  if (client.requestTimeout !== undefined && client.requestTimeout !== null) {
    out.requestTimeout = client.requestTimeout;
  }
  if (client.userAgent !== undefined && client.userAgent !== null) out.userAgent = client.userAgent;
  return out;
}
