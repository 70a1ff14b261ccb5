import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MQModule } from '../lib/index.js';
import { MQConnectionConfig, MQConnectionModule } from './mq-connection.js';
import { ObservabilityModule } from './observability/observability.module.js';
import type { SampleTelemetry } from './observability/sample-telemetry.js';
import { OrdersModule } from './orders/orders.module.js';
import { SampleSettings } from './sample.settings.js';

@Global()
@Module({})
class SettingsModule {
  static register(settings: SampleSettings): DynamicModule {
    return {
      module: SettingsModule,
      providers: [{ provide: SampleSettings, useValue: settings }],
      exports: [SampleSettings],
    };
  }
}

@Module({})
export class AppModule {
  static register(settings: SampleSettings, telemetry: SampleTelemetry): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.register(settings),
        // The environment only (no .env file), so that SampleSettings and the connection agree.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        // Options from a provider (here: environment, or an embedded emulator), global by default.
        MQModule.forRootAsync({ imports: [MQConnectionModule], useExisting: MQConnectionConfig }),
        OrdersModule,
        // GET /health, GET /metrics, GET /orders/:id/trace.
        ObservabilityModule.register(telemetry),
      ],
    };
  }
}
