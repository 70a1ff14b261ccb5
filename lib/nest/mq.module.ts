import { Module, type DynamicModule } from '@nestjs/common';
import { MQConfigurableModuleClass } from './mq.module-definition.js';
import type {
  MQModuleAsyncOptions,
  MQModuleExtras,
  MQModuleOptions,
} from './interfaces/mq-module-options.interface.js';

/**
 * Alibaba Cloud MQ (RocketMQ over HTTP) for Nest: an injectable `MQProducer`, `@MQConsumer()`
 * methods run as managed long-poll loops through Nest's pipeline, `MQConsumerRegistry`.
 *
 * @example
 * ```ts
 * MQModule.forRoot({ endpoint, accessKeyId, accessKeySecret, instanceId })
 * MQModule.forRootAsync({ inject: [ConfigService], useFactory: (c: ConfigService) => ({ ... }) })
 * MQModule.forRoot({ name: 'audit', ... }) // a second connection: @InjectMQProducer('audit')
 * ```
 */
@Module({})
export class MQModule extends MQConfigurableModuleClass {
  /** Registers a connection (global by default) with options known up front. */
  static override forRoot(options: MQModuleOptions & MQModuleExtras): DynamicModule {
    return super.forRoot(options);
  }

  /** Registers a connection whose options come from a factory, a class or an existing provider. */
  static override forRootAsync(options: MQModuleAsyncOptions): DynamicModule {
    const ways = [options?.useFactory, options?.useClass, options?.useExisting].filter(
      (way) => way !== undefined,
    );
    if (ways.length !== 1) {
      throw new Error(
        'MQModule.forRootAsync: give exactly one of "useFactory", "useClass" or "useExisting"',
      );
    }
    return super.forRootAsync(options as never);
  }
}
