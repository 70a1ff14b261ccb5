import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQConsumerRegistry, MQModule, MQProducer } from '../../lib/index.js';
import { EventRecorder } from '../../lib/testing/event-recorder.js';
import { MQHealthIndicator, MQHealthModule } from '../../lib/terminus/index.js';
import { connectionTo } from './fixtures/harness.js';
import { silentLogger } from './fixtures/quiet.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mq: MQHealthIndicator,
  ) {}

  /** Readiness: the default connection, down at the first failed poll (module default here). */
  @Get()
  @HealthCheck()
  ready() {
    return this.health.check([() => this.mq.isHealthy()]);
  }

  /** The same connection with a patient threshold, as a liveness probe would use. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.mq.isHealthy('mq', { downAfterMs: 3_600_000 })]);
  }

  /** A named connection on its own. */
  @Get('audit')
  @HealthCheck()
  audit() {
    return this.health.check([() => this.mq.isHealthy('audit-mq', { connection: 'audit' })]);
  }
}

@Injectable()
class Consumers {
  @MQConsumer('health-orders', 'GID_health', { name: 'orders' })
  orders(): void {}

  @MQConsumer('health-audit', 'GID_health_audit', { name: 'audit-reader', connection: 'audit' })
  audit(): void {}
}

interface HealthBody {
  status: 'ok' | 'error';
  details: Record<
    string,
    {
      status: 'up' | 'down';
      message?: string;
      connection: string;
      consumers: Record<string, { status: string; error?: string; failingSince?: string }>;
      publish: { status: string; error?: string };
    }
  >;
}

describe('MQHealthIndicator in a Terminus app over HTTP', () => {
  let emulator: RunningEmulator;
  let port: number;
  let app: INestApplication;
  let events: EventRecorder;
  let base: string;

  const get = async (path: string): Promise<{ status: number; body: HealthBody }> => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual' });
    port = Number(new URL(emulator.endpoint).port);
    const moduleRef = await Test.createTestingModule({
      imports: [
        TerminusModule,
        MQHealthModule.forRoot({ downAfterMs: 0 }),
        MQModule.forRoot({ ...connectionTo(emulator), pollBackoff: { initialMs: 10, maxMs: 50 } }),
        MQModule.forRoot({
          ...connectionTo(emulator),
          name: 'audit',
          accessKeySecret: 'not-the-emulator-secret',
        }),
      ],
      controllers: [HealthController],
      providers: [Consumers],
    })
      .setLogger(silentLogger)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    events = new EventRecorder(app.get(MQConsumerRegistry).events$);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    events?.close();
    await emulator?.stop();
  });

  it('200 while the broker answers, with per-consumer details', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.details.mq).toMatchObject({
      status: 'up',
      connection: 'default',
      transport: 'http',
      consumers: {
        orders: {
          kind: 'consumer',
          topic: 'health-orders',
          group: 'GID_health',
          status: 'running',
          inFlight: 0,
        },
      },
      publish: { status: 'none' },
    });
    // A named connection is not part of the default's report.
    expect(Object.keys(body.details.mq!.consumers)).toEqual(['orders']);
  });

  it('a named connection whose credentials the broker refuses is down (503) on its own', async () => {
    await events.waitFor('consumer.unhealthy', (e) => e.consumer === 'audit-reader');
    const { status, body } = await get('/health/audit');
    expect(status).toBe(503);
    const audit = body.details['audit-mq']!;
    expect(audit.status).toBe('down');
    expect(audit.connection).toBe('audit');
    expect(audit.message).toMatch(
      /^consumer "audit-reader" \(health-audit @ GID_health_audit\) is refused by the broker: MQServiceError: .*signature/i,
    );
    expect(audit.consumers['audit-reader']!.status).toBe('unhealthy');
    expect((await get('/health')).status).toBe(200);
  });

  it('503 once the broker is gone (polls and publishes fail), up for a patient threshold', async () => {
    await emulator.stop();
    await events.waitFor('poll.error', (e) => e.consumer === 'orders');
    await expect(app.get(MQProducer).publish('health-orders', { n: 1 })).rejects.toThrow(
      /network error/,
    );
    const { status, body } = await get('/health');
    expect(status).toBe(503);
    const mq = body.details.mq!;
    expect(mq.status).toBe('down');
    expect(mq.message).toMatch(
      /consumer "orders" \(health-orders @ GID_health\) has failed to poll for [\d.]+ s: MQNetworkError: .*; publishes have failed for [\d.]+ s: MQNetworkError: /,
    );
    expect(mq.consumers.orders!.status).toBe('backing-off');
    expect(mq.consumers.orders!.failingSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(mq.publish.status).toBe('failing');

    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body.details.mq!.consumers.orders!.status).toBe('backing-off');
  });

  it('200 again by itself when the broker returns', async () => {
    emulator = await startEmulator({ clock: 'virtual', port });
    const { messageId } = await app.get(MQProducer).publish('health-orders', { n: 2 });
    await events.waitFor('message.acked', (e) => e.messageId === messageId);
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body.details.mq).toMatchObject({
      status: 'up',
      consumers: { orders: { status: 'running' } },
      publish: { status: 'ok' },
    });
    expect(body.details.mq!.consumers.orders!.failingSince).toBeUndefined();
  });
});

describe('MQHealthModule options', () => {
  it('a bad downAfterMs fails where it is given, naming the option', () => {
    expect(() => MQHealthModule.forRoot({ downAfterMs: -1 })).toThrow(
      'MQHealthModule.forRoot: option "downAfterMs" must be an integer number of ms between 0 and 86400000',
    );
    expect(() => MQHealthModule.forRoot({ downAfterMs: '5s' as never })).toThrow(
      'option "downAfterMs"',
    );
  });

  it('an unknown connection is a programming error, named with the registered ones', async () => {
    const emulator = await startEmulator({ clock: 'virtual' });
    const moduleRef = await Test.createTestingModule({
      imports: [MQModule.forRoot({ ...connectionTo(emulator), name: 'billing' }), MQHealthModule],
    })
      .setLogger(silentLogger)
      .compile();
    await moduleRef.init();
    try {
      const indicator = moduleRef.get(MQHealthIndicator);
      expect(() => indicator.isHealthy()).toThrow(
        'MQ health: no connection named "default" (registered: "billing")',
      );
      expect(indicator.isHealthy('billing', { connection: 'billing' })).toEqual({
        billing: {
          status: 'up',
          connection: 'billing',
          transport: 'http',
          consumers: {},
          publish: { status: 'none' },
        },
      });
      expect(() => indicator.isHealthy('x', { connection: 'billing', downAfterMs: 1.5 })).toThrow(
        'MQHealthIndicator.isHealthy: option "downAfterMs"',
      );
    } finally {
      await moduleRef.close();
      await emulator.stop();
    }
  });
});
