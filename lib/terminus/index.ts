/**
 * `nestjs-aliyun-mq/terminus`: the health indicator for `@nestjs/terminus` 11 or 12 (an optional
 * peer, needed only by this entry point).
 */
export { MQHealthModule } from './mq-health.module.js';
export { MQHealthIndicator } from './mq-health.indicator.js';
export type { MQHealthModuleOptions, MQHealthCheckOptions } from './mq-health.options.js';
