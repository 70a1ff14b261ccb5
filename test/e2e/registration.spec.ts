import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import {
  InjectMQProducer,
  MQConsumer,
  MQConsumerRegistry,
  MQModule,
  MQPayload,
  MQProducer,
  getMQClientToken,
  getMQOptionsToken,
  type MQModuleOptions,
  type MQOptionsFactory,
} from '../../lib/index.js';
import { MQClient } from '../../lib/client/index.js';
import { boot, connectionTo, virtualEmulator } from './fixtures/harness.js';
import { Recorder } from './fixtures/recorder.js';

/** A service that publishes through the injected default producer. */
@Injectable()
class OrderService {
  constructor(readonly producer: MQProducer) {}

  place(id: number) {
    return this.producer.publish('reg-orders', { id }, { tag: 'placed' });
  }
}

@Injectable()
class OrderConsumer {
  constructor(private readonly recorder: Recorder) {}

  @MQConsumer('reg-orders', 'GID_reg', { tag: 'placed' })
  onPlaced(@MQPayload() order: { id: number }) {
    this.recorder.add('placed', order);
  }
}

@Module({ providers: [Recorder, OrderService, OrderConsumer] })
class OrdersModule {}

describe('registration styles', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await virtualEmulator();
  });
  afterAll(() => emulator.stop());

  it('forRoot: MQProducer is injectable by class and consumers run', async () => {
    const { moduleRef, events } = await boot({
      imports: [MQModule.forRoot(connectionTo(emulator)), OrdersModule],
    });
    const { messageId } = await moduleRef.get(OrderService).place(1);
    await events.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(moduleRef.get(Recorder).of('placed')).toEqual([{ id: 1 }]);
    expect(moduleRef.get(getMQClientToken())).toBeInstanceOf(MQClient);
    expect(moduleRef.get(MQProducer)).toBe(moduleRef.get(OrderService).producer);
    await moduleRef.close();
  });

  it('forRootAsync with ConfigService (useFactory), consumer topic overridden from config', async () => {
    @Injectable()
    class ConfiguredConsumer {
      constructor(private readonly recorder: Recorder) {}

      @MQConsumer('placeholder-topic', 'GID_cfg', { name: 'configured' })
      handle(payload: unknown) {
        this.recorder.add('configured', payload);
      }
    }
    const { moduleRef, events } = await boot({
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ mq: { ...connectionTo(emulator), topic: 'cfg-topic' } })],
        }),
        MQModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService): MQModuleOptions => ({
            endpoint: config.getOrThrow('mq.endpoint'),
            accessKeyId: config.getOrThrow('mq.accessKeyId'),
            accessKeySecret: config.getOrThrow('mq.accessKeySecret'),
            instanceId: config.getOrThrow('mq.instanceId'),
            consumers: { configured: { topic: config.getOrThrow('mq.topic'), concurrency: 2 } },
          }),
        }),
      ],
      providers: [Recorder, ConfiguredConsumer],
    });
    const registry = moduleRef.get(MQConsumerRegistry);
    expect(registry.get('configured')).toMatchObject({
      topic: 'cfg-topic',
      group: 'GID_cfg',
      connection: 'default',
      status: 'running',
    });
    const { messageId } = await moduleRef.get(MQProducer).publish('cfg-topic', 'hello');
    await events.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(moduleRef.get(Recorder).of('configured')).toEqual(['hello']);
    expect(moduleRef.get(getMQOptionsToken())).toMatchObject({ consumersEnabled: true });
    await moduleRef.close();
  });

  it('forRootAsync with useClass', async () => {
    @Injectable()
    class MQConfig implements MQOptionsFactory {
      createMQOptions(): MQModuleOptions {
        return connectionTo(emulator);
      }
    }
    const { moduleRef, events } = await boot({
      imports: [MQModule.forRootAsync({ useClass: MQConfig }), OrdersModule],
    });
    const { messageId } = await moduleRef.get(OrderService).place(2);
    await events.waitFor('message.acked', (e) => e.messageId === messageId);
    expect(moduleRef.get(Recorder).of('placed')).toEqual([{ id: 2 }]);
    await moduleRef.close();
  });

  it('forRootAsync with useExisting and extraProviders', async () => {
    @Injectable()
    class ExistingConfig implements MQOptionsFactory {
      constructor(@Inject('EMULATOR') private readonly target: RunningEmulator) {}

      createMQOptions(): MQModuleOptions {
        return connectionTo(this.target);
      }
    }
    @Module({
      providers: [ExistingConfig, { provide: 'EMULATOR', useValue: emulator }],
      exports: [ExistingConfig],
    })
    class ConfigHolder {}
    const existing = await boot({
      imports: [
        MQModule.forRootAsync({ imports: [ConfigHolder], useExisting: ExistingConfig }),
        OrdersModule,
      ],
    });
    const first = await existing.moduleRef.get(OrderService).place(3);
    await existing.events.waitFor('message.acked', (e) => e.messageId === first.messageId);
    expect(existing.moduleRef.get(Recorder).of('placed')).toEqual([{ id: 3 }]);
    await existing.moduleRef.close();

    // extraProviders: what the factory injects, provided inside the MQ module itself.
    const extra = await boot({
      imports: [
        MQModule.forRootAsync({
          inject: ['EMULATOR'],
          useFactory: (target: RunningEmulator) => connectionTo(target),
          extraProviders: [{ provide: 'EMULATOR', useValue: emulator }],
        }),
        OrdersModule,
      ],
    });
    const second = await extra.moduleRef.get(OrderService).place(4);
    await extra.events.waitFor('message.acked', (e) => e.messageId === second.messageId);
    expect(extra.moduleRef.get(Recorder).of('placed')).toEqual([{ id: 4 }]);
    await extra.moduleRef.close();
  });

  it('forRootAsync needs exactly one of useFactory/useClass/useExisting', () => {
    expect(() => MQModule.forRootAsync({ imports: [] })).toThrow(
      'MQModule.forRootAsync: give exactly one of "useFactory", "useClass" or "useExisting"',
    );
  });

  it('named connections: @InjectMQProducer(name) and consumers bound to a connection', async () => {
    const audit = await virtualEmulator();
    @Injectable()
    class AuditService {
      constructor(
        @InjectMQProducer('audit') readonly auditProducer: MQProducer,
        readonly defaultProducer: MQProducer,
      ) {}
    }
    @Injectable()
    class AuditConsumer {
      constructor(private readonly recorder: Recorder) {}

      @MQConsumer('audit-log', 'GID_audit', { connection: 'audit' })
      onAudit(payload: unknown) {
        this.recorder.add('audit', payload);
      }

      @MQConsumer('audit-log', 'GID_audit')
      onDefault(payload: unknown) {
        this.recorder.add('default', payload);
      }
    }
    const { moduleRef, events } = await boot({
      imports: [
        MQModule.forRoot(connectionTo(emulator)),
        MQModule.forRootAsync({ name: 'audit', useFactory: () => connectionTo(audit) }),
      ],
      providers: [Recorder, AuditService, AuditConsumer],
    });
    const service = moduleRef.get(AuditService);
    expect(service.auditProducer).not.toBe(service.defaultProducer);
    expect(service.auditProducer.connection).toBe('audit');
    const a = await service.auditProducer.publish('audit-log', { on: 'audit' });
    const d = await service.defaultProducer.publish('audit-log', { on: 'default' });
    await events.waitFor('message.acked', (e) => e.messageId === a.messageId);
    await events.waitFor('message.acked', (e) => e.messageId === d.messageId);
    const recorder = moduleRef.get(Recorder);
    expect(recorder.of('audit')).toEqual([{ on: 'audit' }]);
    expect(recorder.of('default')).toEqual([{ on: 'default' }]);
    expect(
      moduleRef
        .get(MQConsumerRegistry)
        .list()
        .map((c) => [c.name, c.connection])
        .sort(),
    ).toEqual([
      ['AuditConsumer.onAudit', 'audit'],
      ['AuditConsumer.onDefault', 'default'],
    ]);
    await moduleRef.close();
    await audit.stop();
  });
});
