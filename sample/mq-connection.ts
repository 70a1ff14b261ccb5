import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import { MQProducer, type MQModuleOptions, type MQOptionsFactory } from '../lib/index.js';
import { startEmulator, type RunningEmulator } from '../lib/emulator/index.js';
import { CompactLogger } from './compact.logger.js';
import { consoleColors } from './console.colors.js';
import { FIFO_GROUPS, GROUP, TOPIC_TYPES } from './orders/orders.topics.js';
import { SampleSettings } from './sample.settings.js';

/**
 * The connection options of `MQModule.forRootAsync({ useExisting: MQConnectionConfig })`.
 *
 * - `MQ_ENDPOINT`, `MQ_ACCESS_KEY_ID`, `MQ_ACCESS_KEY_SECRET` (and optionally `MQ_INSTANCE_ID`)
 *   set: the real service; the app's code does not change. With `MQ_TRANSPORT=grpc` the endpoint
 *   is a RocketMQ 5 `host:port` (ApsaraMQ 5.x: the instance's username and password as the keys).
 * - `MQ_ENDPOINT` absent: starts the emulator in this process (real clock, redelivery windows
 *   shortened to seconds; with `MQ_TRANSPORT=grpc` its RocketMQ 5 front too) and stops it when
 *   the app has shut down.
 */
@Injectable()
export class MQConnectionConfig implements MQOptionsFactory, OnApplicationShutdown {
  private emulator: RunningEmulator | undefined;
  /** One line saying where messages go, for the startup banner. */
  description = '';

  constructor(
    private readonly config: ConfigService,
    private readonly settings: SampleSettings,
    private readonly moduleRef: ModuleRef,
  ) {}

  async createMQOptions(): Promise<MQModuleOptions> {
    const common: Partial<MQModuleOptions> = {
      // A payload that fails validation will fail again: drop it (logged) instead of retrying it.
      onInvalidMessage: 'ack',
      shutdown: { drainTimeoutMs: 10_000 },
      logger: new CompactLogger('MQ', {
        logLevels: ['log', 'warn', 'error'],
        colors: consoleColors(),
      }),
    };
    const transport = this.settings.transport;
    const endpoint = this.config.get<string>('MQ_ENDPOINT');
    if (endpoint) {
      const instanceId = this.config.get<string>('MQ_INSTANCE_ID');
      this.description = describeEndpoint(endpoint, instanceId, this.settings);
      return {
        ...common,
        transport,
        endpoint,
        accessKeyId: this.config.getOrThrow<string>('MQ_ACCESS_KEY_ID'),
        accessKeySecret: this.config.getOrThrow<string>('MQ_ACCESS_KEY_SECRET'),
        ...(instanceId ? { instanceId } : {}),
      };
    }
    const instanceId = 'MQ_INST_sample';
    const emulator = await startEmulator({
      port: 0,
      ...(transport === 'grpc' && { grpcPort: 0 }),
      clock: 'real',
      instanceId,
      // Strict like the cloud: only these topics (with their types) and groups exist.
      autoCreate: false,
      topics: TOPIC_TYPES.map((t) => ({ name: t.name, type: t.type, instanceId })),
      // RocketMQ 5 delivers a message group in order only to a FIFO group (created so on the cloud).
      groups: Object.values(GROUP).map((id) => ({ id, instanceId, fifo: FIFO_GROUPS.has(id) })),
      timings: {
        invisibilityMs: this.settings.redeliveryMs,
        orderlyInvisibilityMs: this.settings.orderlyRedeliveryMs,
      },
    });
    this.emulator = emulator;
    const at = transport === 'grpc' ? emulator.grpcEndpoint! : emulator.endpoint;
    this.description =
      transport === 'grpc'
        ? `embedded emulator's RocketMQ 5 front at ${at} (no MQ_ENDPOINT set; real clock, a failed ` +
          `message is handed back and returns after ${this.settings.redeliveryMs / 1000} s; web ` +
          `console at ${emulator.consoleUrl})`
        : `embedded emulator at ${at} (no MQ_ENDPOINT set; real clock, redelivery after ` +
          `${this.settings.redeliveryMs / 1000} s instead of the cloud's 5 min; web console at ` +
          `${emulator.consoleUrl})`;
    return {
      ...common,
      transport,
      endpoint: at,
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      instanceId: emulator.instanceId,
    };
  }

  /** Runs after MQModule drained its consumers (they stop in onModuleDestroy, an earlier hook). */
  async onApplicationShutdown(): Promise<void> {
    if (this.emulator === undefined) return;
    // The connection says goodbye to the broker (RocketMQ 5: NotifyClientTermination, end of the
    // Telemetry streams) before the broker goes away; closing again later is a no-op.
    await this.moduleRef.get(MQProducer, { strict: false }).transport.close();
    await this.emulator.stop();
    process.stdout.write('The embedded emulator stopped; bye.\n');
  }
}

/**
 * Where MQ_ENDPOINT points, truthfully: only an aliyuncs.com host is the cloud; anything else (a
 * standalone emulator, a proxy) is named by its URL.
 */
function describeEndpoint(
  endpoint: string,
  instanceId: string | undefined,
  settings: SampleSettings,
): string {
  const instance = instanceId ? `, instance ${instanceId}` : '';
  let host = '';
  if (settings.transport === 'grpc') {
    // host:port (MQModule reports a malformed endpoint in its own words).
    host = endpoint.slice(0, Math.max(0, endpoint.lastIndexOf(':')));
  } else {
    try {
      host = new URL(endpoint).hostname;
    } catch {
      // MQModule reports a malformed endpoint in its own words.
    }
  }
  const cloud = host === 'aliyuncs.com' || host.endsWith('.aliyuncs.com');
  if (settings.transport === 'grpc') {
    // The consumer hands a failed message back itself: no broker window to announce.
    return cloud
      ? `ApsaraMQ for RocketMQ 5.x at ${endpoint}${instance} (RocketMQ 5 gRPC)`
      : `the RocketMQ 5 endpoint ${endpoint}${instance} (MQ_ENDPOINT; not an Alibaba Cloud host: ` +
          `a standalone emulator or your own proxy?)`;
  }
  if (cloud) return `Alibaba Cloud MQ at ${endpoint}${instance}`;
  return (
    `the MQ endpoint ${endpoint}${instance} (MQ_ENDPOINT; not an Alibaba Cloud host: a ` +
    `standalone emulator?), redelivery expected after ${settings.redeliveryMs / 1000} s` +
    (settings.redeliveryFromEnv
      ? ' (SAMPLE_REDELIVERY_MS)'
      : ' (the cloud default; set SAMPLE_REDELIVERY_MS)')
  );
}

@Module({
  imports: [ConfigModule],
  providers: [MQConnectionConfig],
  exports: [MQConnectionConfig],
})
export class MQConnectionModule {}
