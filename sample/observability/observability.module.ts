import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MQHealthModule } from '../../lib/terminus/index.js';
import { ObservabilityController } from './observability.controller.js';
import { SampleTelemetry } from './sample-telemetry.js';

/** `GET /health` (Terminus + MQHealthIndicator), `GET /metrics`, `GET /orders/:id/trace`. */
@Module({})
export class ObservabilityModule {
  static register(telemetry: SampleTelemetry): DynamicModule {
    return {
      module: ObservabilityModule,
      // The sample is a demo: report a broker outage after 10 s rather than the default 30 s.
      imports: [TerminusModule, MQHealthModule.forRoot({ downAfterMs: 10_000 })],
      controllers: [ObservabilityController],
      providers: [{ provide: SampleTelemetry, useValue: telemetry }],
      exports: [SampleTelemetry],
    };
  }
}
