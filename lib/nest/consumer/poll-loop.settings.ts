/** What a poll loop is told at construction, and the checks that run on it. */

/** The largest batch of any transport (RocketMQ 5: 32; the options resolver applies each one's own). */
const MAX_BATCH_SIZE = 32;

export interface PollLoopSettings {
  name: string;
  topic: string;
  group: string;
  batchSize: number;
  waitSeconds: number;
  concurrency: number;
  /**
   * Most polls outstanding at once (default 1). Above 1, a further poll is only sent when the free
   * slots fill a whole batch. Orderly consumers keep 1 (see ConsumerRunner).
   */
  maxPolls?: number;
}

export function validateSettings(settings: PollLoopSettings): void {
  const { name, batchSize, waitSeconds, concurrency } = settings;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(
      `MQ consumer ${name}: batchSize must be an integer in 1..${MAX_BATCH_SIZE}, got ${batchSize}`,
    );
  }
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > 30) {
    throw new RangeError(
      `MQ consumer ${name}: waitSeconds must be an integer in 0..30, got ${waitSeconds}`,
    );
  }
  if (
    settings.maxPolls !== undefined &&
    (!Number.isInteger(settings.maxPolls) || settings.maxPolls < 1)
  ) {
    throw new RangeError(
      `MQ consumer ${name}: maxPolls must be an integer >= 1, got ${settings.maxPolls}`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `MQ consumer ${name}: concurrency must be an integer >= 1, got ${concurrency}`,
    );
  }
}
