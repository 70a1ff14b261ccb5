/** Options of `MQHealthModule.forRoot()` and of one `MQHealthIndicator.isHealthy()` call. */

export interface MQHealthModuleOptions {
  /**
   * How long a consumer may fail to poll (status `backing-off`: broker unreachable, timing out,
   * answering 5xx), or publishes may keep failing, before the connection is reported down
   * (default 30 000 ms; 0 = at the first failure). An `unhealthy` consumer (credentials,
   * permissions, missing topic or group) is down at once.
   */
  downAfterMs?: number;
}

export interface MQHealthCheckOptions extends MQHealthModuleOptions {
  /** The connection to report (a `name` given to `MQModule.forRoot()`); default: the default one. */
  connection?: string;
}

export const MQ_HEALTH_DEFAULTS = { downAfterMs: 30_000 } as const;

/** Injection token of the module's options. */
export const MQ_HEALTH_OPTIONS = 'AliyunMQHealthOptions';

export function checkDownAfterMs(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 86_400_000) {
    throw new Error(
      `${where}: option "downAfterMs" must be an integer number of ms between 0 and 86400000`,
    );
  }
  return value;
}
