/**
 * Limits and defaults of the RocketMQ 5 proxy (Apache RocketMQ `ProxyConfig` defaults, which
 * ApsaraMQ for RocketMQ 5.x shares for these values). Durations in ms, sizes in bytes.
 */
export const ROCKETMQ5_PROXY_DEFAULTS = {
  /** Largest message body (SendMessage → MESSAGE_BODY_TOO_LARGE; `publishing.max_body_size`). */
  maxBodyBytes: 4 * 1024 * 1024,
  /** User properties: count and total size of keys, values, tag and keys (→ MESSAGE_PROPERTIES_TOO_LARGE). */
  maxUserProperties: 128,
  maxUserPropertyBytes: 16 * 1024,
  /** A message group must be shorter than this many UTF-8 bytes (→ ILLEGAL_MESSAGE_GROUP). */
  maxMessageGroupBytes: 64,
  /** ReceiveMessage invisible duration range, and ChangeInvisibleDuration's maximum. */
  minReceiveInvisibleMs: 10_000,
  maxInvisibleMs: 12 * 3_600_000,
  /** Invisible duration of a receive with `auto_renew` (PushConsumer), renewed while the client lives… */
  autoRenewInvisibleMs: 60_000,
  /** …for at most this long. */
  autoRenewMaxMs: 3 * 3_600_000,
  /** Invisible duration given back to messages a client held when it goes away. */
  releaseInvisibleMs: 1_000,
  /** Long polling of ReceiveMessage is clamped to [min, max]. */
  minLongPollingMs: 5_000,
  maxLongPollingMs: 20_000,
  /** Kept free of the caller's deadline so the answer arrives before it. */
  longPollingReserveMs: 100,
  /** `subscription.receive_batch_size` pushed to consumers. */
  receiveBatchSize: 32,
  /** Producer retry policy pushed in the settings. */
  producerMaxAttempts: 3,
  producerBackoffInitialMs: 10,
  producerBackoffMaxMs: 1_000,
  producerBackoffMultiplier: 2,
  /** Transactional messages: the longest orphaned-transaction recovery duration a producer may ask. */
  maxTransactionRecoverySeconds: 3_600,
} as const;
