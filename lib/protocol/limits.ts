/** Service limits (PROTOCOL.md §1.3, §7.11). Sizes are UTF-8 bytes. */
export const MQ_LIMITS = {
  /** Normal or ordered message body. */
  maxBodyBytes: 4 * 1024 * 1024,
  /** Transactional, timer or delayed message body. */
  maxTimerOrTransactionBodyBytes: 64 * 1024,
  /** Total size of the properties string. */
  maxPropertiesBytes: 16 * 1024,
  maxTopicLength: 64,
  maxTagLength: 64,
  minNumOfMessages: 1,
  maxNumOfMessages: 16,
  maxWaitSeconds: 30,
  maxHandlesPerAck: 16,
  minTransCheckImmunitySeconds: 10,
  maxTransCheckImmunitySeconds: 300,
  /** How far in the future `__STARTDELIVERTIME` may lie. */
  maxTimerHorizonMs: 40 * 24 * 60 * 60 * 1000,
  /** Whole request line (method + target + version). */
  maxRequestLineLength: 1024,
  /** Allowed difference between the `Date` header and server time. */
  maxDateSkewMs: 15 * 60 * 1000,
} as const;
