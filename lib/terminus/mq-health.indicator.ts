import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { MQHealthService } from '../nest/health/mq-health.service.js';
import {
  checkDownAfterMs,
  MQ_HEALTH_DEFAULTS,
  MQ_HEALTH_OPTIONS,
  type MQHealthCheckOptions,
  type MQHealthModuleOptions,
} from './mq-health.options.js';

/**
 * A Terminus health indicator of one MQ connection, for `HealthCheckService.check([...])`.
 * `up` while it works (consumers polling, publishes succeeding); `down`, with the reasons in
 * `message` and per-consumer details, when a consumer is refused by the broker, has failed to poll
 * for `downAfterMs`, or publishes have failed that long. Down is a returned result (the
 * `HealthIndicatorService` way), so the check answers 503; it turns up again by itself.
 *
 * @example
 * ```ts
 * @Get('health')
 * @HealthCheck()
 * check() {
 *   return this.health.check([() => this.mq.isHealthy('mq'), () => this.mq.isHealthy('audit-mq', { connection: 'audit' })]);
 * }
 * ```
 */
@Injectable()
export class MQHealthIndicator {
  private readonly downAfterMs: number;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly health: MQHealthService,
    @Optional() @Inject(MQ_HEALTH_OPTIONS) options?: MQHealthModuleOptions,
  ) {
    this.downAfterMs = options?.downAfterMs ?? MQ_HEALTH_DEFAULTS.downAfterMs;
  }

  isHealthy<const Key extends string = 'mq'>(
    key: Key = 'mq' as Key,
    options: MQHealthCheckOptions = {},
  ): HealthIndicatorResult<Key> {
    const downAfterMs =
      checkDownAfterMs(options.downAfterMs, 'MQHealthIndicator.isHealthy') ?? this.downAfterMs;
    const report = this.health.check(options.connection, downAfterMs);
    const data = {
      connection: report.connection,
      transport: report.transport,
      consumers: report.consumers,
      publish: report.publish,
    };
    const session = this.indicators.check(key);
    return report.up
      ? session.up(data)
      : session.down({ message: report.problems.join('; '), ...data });
  }
}
