import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MQHealthIndicator } from './mq-health.indicator.js';
import {
  checkDownAfterMs,
  MQ_HEALTH_OPTIONS,
  type MQHealthModuleOptions,
} from './mq-health.options.js';

/**
 * Provides `MQHealthIndicator` (import it next to `TerminusModule` where your health controller
 * is). `MQModule` must be imported somewhere in the application. `forRoot()` sets defaults.
 */
@Module({
  imports: [TerminusModule],
  providers: [MQHealthIndicator],
  exports: [MQHealthIndicator],
})
export class MQHealthModule {
  static forRoot(options: MQHealthModuleOptions = {}): DynamicModule {
    if (options === null || typeof options !== 'object') {
      throw new Error('MQHealthModule.forRoot: options must be an object');
    }
    const downAfterMs = checkDownAfterMs(options.downAfterMs, 'MQHealthModule.forRoot');
    return {
      module: MQHealthModule,
      providers: [
        {
          provide: MQ_HEALTH_OPTIONS,
          useValue: downAfterMs === undefined ? {} : { downAfterMs },
        },
      ],
    };
  }
}
