import { Controller, Get, Header, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MQHealthIndicator } from '../../lib/terminus/index.js';
import { SampleTelemetry } from './sample-telemetry.js';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mq: MQHealthIndicator,
    private readonly telemetry: SampleTelemetry,
  ) {}

  /** Readiness: 200 while the MQ connection works, 503 with the reasons when it does not. */
  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.mq.isHealthy('mq')]);
  }

  /** Prometheus scrape: the package's metrics through the OpenTelemetry Prometheus exporter. */
  @Get('metrics')
  metrics(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    this.telemetry.prometheus.getMetricsRequestHandler(request, response);
  }

  /** One order's traces as a tree (with `--trace`). */
  @Get('orders/:id/trace')
  @Header('content-type', 'text/plain; charset=utf-8')
  orderTrace(@Param('id') id: string): string {
    const traces = this.telemetry.traces;
    if (traces === undefined) {
      throw new NotFoundException('tracing is off: start the sample with --trace');
    }
    const text = traces.render(id);
    if (text === undefined) throw new NotFoundException(`no trace recorded for order ${id}`);
    return text;
  }
}
