import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { MQModuleOptions, MQOptionsFactory } from '../lib/index.js';
import { startEmulator, type RunningEmulator } from '../lib/emulator/index.js';
import { CompactLogger } from './compact.logger.js';
import { consoleColors } from './console.colors.js';
import { GROUP, TOPIC_TYPES } from './orders/orders.topics.js';
import { SampleSettings } from './sample.settings.js';

/**
 * The connection options of `MQModule.forRootAsync({ useExisting: MQConnectionConfig })`.
 *
 * - `MQ_ENDPOINT`, `MQ_ACCESS_KEY_ID`, `MQ_ACCESS_KEY_SECRET` (and optionally `MQ_INSTANCE_ID`)
 *   set: the real service; the app's code does not change.
 * - `MQ_ENDPOINT` absent: starts the emulator in this process (real clock, redelivery windows
 *   shortened to seconds) and stops it when the app has shut down.
 */
@Injectable()
export class MQConnectionConfig implements MQOptionsFactory, OnApplicationShutdown {
  private emulator: RunningEmulator | undefined;
  /** One line saying where messages go, for the startup banner. */
  description = '';

  constructor(
    private readonly config: ConfigService,
    private readonly settings: SampleSettings,
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
    const endpoint = this.config.get<string>('MQ_ENDPOINT');
    if (endpoint) {
      const instanceId = this.config.get<string>('MQ_INSTANCE_ID');
      this.description = describeEndpoint(endpoint, instanceId, this.settings);
      return {
        ...common,
        endpoint,
        accessKeyId: this.config.getOrThrow<string>('MQ_ACCESS_KEY_ID'),
        accessKeySecret: this.config.getOrThrow<string>('MQ_ACCESS_KEY_SECRET'),
        ...(instanceId ? { instanceId } : {}),
      };
    }
    const instanceId = 'MQ_INST_sample';
    const emulator = await startEmulator({
      port: 0,
      clock: 'real',
      instanceId,
      // Strict like the cloud: only these topics (with their types) and groups exist.
      autoCreate: false,
      topics: TOPIC_TYPES.map((t) => ({ name: t.name, type: t.type, instanceId })),
      groups: Object.values(GROUP).map((id) => ({ id, instanceId })),
      timings: {
        invisibilityMs: this.settings.redeliveryMs,
        orderlyInvisibilityMs: this.settings.orderlyRedeliveryMs,
      },
    });
    this.emulator = emulator;
    this.description =
      `embedded emulator at ${emulator.endpoint} (no MQ_ENDPOINT set; real clock, redelivery after ` +
      `${this.settings.redeliveryMs / 1000} s instead of the cloud's 5 min; web console at ` +
      `${emulator.consoleUrl})`;
    return {
      ...common,
      endpoint: emulator.endpoint,
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      instanceId: emulator.instanceId,
    };
  }

  /** Runs after MQModule drained its consumers (they stop in onModuleDestroy, an earlier hook). */
  async onApplicationShutdown(): Promise<void> {
    if (this.emulator === undefined) return;
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
  try {
    host = new URL(endpoint).hostname;
  } catch {
    // MQModule reports a malformed endpoint in its own words.
  }
  if (host === 'aliyuncs.com' || host.endsWith('.aliyuncs.com')) {
    return `Alibaba Cloud MQ at ${endpoint}${instance}`;
  }
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
