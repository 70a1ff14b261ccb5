import type { LoggerService, OnApplicationShutdown } from '@nestjs/common';
import type { MQTransport } from '../transport/index.js';
import { createMQLogger } from './mq.logger.js';
import { MQProducer } from './mq.producer.js';
import type { ResolvedModuleOptions } from './options/module-options.resolver.js';

/**
 * Everything one `MQModule.forRoot()` registers: validated options, the transport and the
 * producer. The explorer finds connections by this class through discovery, so the static core
 * module needs no dynamic tokens. The transport is closed last (onApplicationShutdown), after the
 * orchestrator drained the consumers in earlier hooks.
 */
export class MQConnection implements OnApplicationShutdown {
  readonly name: string;
  readonly producer: MQProducer;
  readonly logger: LoggerService;

  private constructor(
    readonly options: ResolvedModuleOptions,
    readonly transport: MQTransport,
  ) {
    this.name = options.connection;
    this.logger = createMQLogger(options.logger, 'MQModule');
    this.producer = new MQProducer(transport, this.name, this.logger);
  }

  /** Builds the connection's transport; it opens nothing until the first call. */
  static async open(options: ResolvedModuleOptions): Promise<MQConnection> {
    // Background lines of the transport (RocketMQ 5 telemetry, heartbeats) go to the module's log.
    const log = createMQLogger(options.logger, `MQTransport:${options.connection}`);
    const transport = await options.driver.create({
      endpoint: options.endpoint,
      credentials: options.credentials,
      options: options.client,
      logger: { log: (message) => log.log(message), warn: (message) => log.warn(message) },
      ...(options.instanceId !== undefined && { instanceId: options.instanceId }),
    });
    return new MQConnection(options, transport);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
