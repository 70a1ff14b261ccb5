/** Options of `@MQTransactionChecker(topic, group, options)`. */
export interface MQTransactionCheckerOptions {
  /** Half messages per check poll, 1-16 (default 16). */
  batchSize?: number;
  /** Long-poll wait in seconds, 0-30 (default 30). */
  waitSeconds?: number;
  /** Checks running at once (default 1). */
  concurrency?: number;
  /** Stable id for the registry and logs (default `Class.method`). */
  name?: string;
  /** Connection to use (default: the default connection). */
  connection?: string;
  /** Start at bootstrap (default true). */
  autoStart?: boolean;
  /** Payload deserialization, as for consumers (default `'json'`). */
  deserialize?: 'json' | 'text' | ((body: string) => unknown);
}
