/**
 * What publishes say about a connection's health: whether they have been failing since some time,
 * with the last error. Only failures that speak about the broker count: unreachable, timing out,
 * answering 5xx or throttling (`retryable`), or refusing the connection's configuration
 * (credentials, permissions, missing topic). A bad argument or the caller's own abort does not.
 */
import {
  MQAbortError,
  MQError,
  MQInvalidArgumentError,
  type MQPublishResult,
} from '../../transport/index.js';

export class PublishHealth {
  /** When the current run of failed publishes began (epoch ms); undefined after a success. */
  failingSince: number | undefined = undefined;
  lastFailureAt: number | undefined = undefined;
  lastError: Error | undefined = undefined;
  /** Some publish has completed, successfully or not, since the connection opened. */
  published = false;

  constructor(private readonly isConfigurationError: (error: unknown) => boolean) {}

  /** Bound once, so that observing a publish allocates no closure. */
  readonly succeeded = (result: MQPublishResult): MQPublishResult => {
    this.published = true;
    this.failingSince = undefined;
    return result;
  };

  readonly failed = (error: unknown): never => {
    if (this.counts(error)) {
      const now = Date.now();
      this.published = true;
      this.failingSince ??= now;
      this.lastFailureAt = now;
      this.lastError = error as Error;
    }
    throw error;
  };

  private counts(error: unknown): boolean {
    if (!(error instanceof MQError)) return false;
    if (error instanceof MQAbortError || error instanceof MQInvalidArgumentError) return false;
    return error.retryable || this.isConfigurationError(error);
  }
}
