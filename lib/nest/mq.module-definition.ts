import { ConfigurableModuleBuilder, type DynamicModule, type Provider } from '@nestjs/common';
import { DEFAULT_CONNECTION } from './mq.constants.js';
import { MQConnection } from './mq.connection.js';
import { MQCoreModule } from './mq-core.module.js';
import { MQProducer } from './mq.producer.js';
import {
  getMQClientToken,
  getMQConnectionToken,
  getMQOptionsToken,
  getMQProducerToken,
} from './mq.tokens.js';
import type { MQModuleOptions } from './interfaces/mq-module-options.interface.js';
import {
  resolveModuleOptions,
  type ResolvedModuleOptions,
} from './options/module-options.resolver.js';

/** Options of `forRoot`/`forRootAsync` that shape the module rather than the connection. */
interface MQModuleDefinitionExtras {
  isGlobal: boolean;
  name: string;
  extraProviders: Provider[];
}

/**
 * Adds a connection's providers to the builder's module: the validated options under the
 * connection's token, the connection (transport + producer) and their public tokens: the
 * producer, and the protocol's own client (`MQClient` on HTTP) for `@InjectMQClient()`. The raw
 * options token of the builder stays private to the module.
 */
function defineConnection(
  definition: DynamicModule,
  extras: MQModuleDefinitionExtras,
): DynamicModule {
  const name = extras.name ?? DEFAULT_CONNECTION;
  const optionsToken = getMQOptionsToken(name);
  const connectionToken = getMQConnectionToken(name);
  const providers: Provider[] = [
    ...(definition.providers ?? []),
    ...(extras.extraProviders ?? []),
    {
      provide: optionsToken,
      useFactory: (raw: MQModuleOptions) => resolveModuleOptions(raw, name),
      inject: [MQ_RAW_OPTIONS],
    },
    {
      provide: connectionToken,
      useFactory: (options: ResolvedModuleOptions) => MQConnection.open(options),
      inject: [optionsToken],
    },
    {
      provide: getMQClientToken(name),
      useFactory: (connection: MQConnection) => connection.transport.native,
      inject: [connectionToken],
    },
    {
      provide: getMQProducerToken(name),
      useFactory: (connection: MQConnection) => connection.producer,
      inject: [connectionToken],
    },
  ];
  const exported: DynamicModule['exports'] = [
    optionsToken,
    getMQClientToken(name),
    getMQProducerToken(name),
  ];
  if (name === DEFAULT_CONNECTION) {
    providers.push({ provide: MQProducer, useExisting: getMQProducerToken(name) });
    exported.push(MQProducer);
  }
  return {
    ...definition,
    global: extras.isGlobal ?? true,
    imports: [...(definition.imports ?? []), MQCoreModule],
    providers,
    exports: exported,
  };
}

export const {
  ConfigurableModuleClass: MQConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: MQ_RAW_OPTIONS,
} = new ConfigurableModuleBuilder<MQModuleOptions>({ moduleName: 'AliyunMQ' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createMQOptions')
  .setExtras<MQModuleDefinitionExtras>(
    { isGlobal: true, name: DEFAULT_CONNECTION, extraProviders: [] },
    defineConnection,
  )
  .build();
