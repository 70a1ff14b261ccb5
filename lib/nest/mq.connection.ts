import type { LoggerService, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { MQTransport } from '../transport/index.js';
import { PublishHealth } from './health/publish.health.js';
import { createMQLogger } from './mq.logger.js';
import { connectionCheckFailed, connectionVerified } from './mq.messages.js';
import { MQProducer } from './mq.producer.js';
import type { ResolvedModuleOptions } from './options/module-options.resolver.js';
import { MQTelemetry } from './telemetry/mq.telemetry.js';

/**
 * Everything one `MQModule.forRoot()` registers: validated options, the transport, the producer,
 * its telemetry and what its publishes say about its health. The explorer finds connections by
 * this class through discovery, so the static core module needs no dynamic tokens. The transport
 * is closed last (onApplicationShutdown), after the orchestrator drained the consumers in earlier
 * hooks.
 */
export class MQConnection implements OnModuleInit, OnApplicationShutdown {
  readonly name: string;
  readonly producer: MQProducer;
  readonly logger: LoggerService;
  readonly publishHealth: PublishHealth;

  private constructor(
    readonly options: ResolvedModuleOptions,
    readonly transport: MQTransport,
    readonly telemetry: MQTelemetry,
  ) {
    this.name = options.connection;
    this.logger = createMQLogger(options.logger, 'MQModule');
    this.publishHealth = new PublishHealth((error) => transport.isConfigurationError(error));
    this.producer = new MQProducer(
      transport,
      this.name,
      this.logger,
      { telemetry, health: this.publishHealth },
      options.publishRetry,
    );
  }

  /** Builds the connection's transport (it opens nothing until the first call) and telemetry. */
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
    const telemetry = await MQTelemetry.create(options.telemetry, {
      endpoint: transport.endpoint,
      instanceId: options.instanceId,
    });
    return new MQConnection(options, transport, telemetry);
  }

  /**
   * `verifyConnection`: one request that changes nothing, before any consumer starts (they start
   * in onApplicationBootstrap); a refusal, or no answer within the transport's deadline, fails
   * bootstrap.
   */
  async onModuleInit(): Promise<void> {
    if (!this.options.verifyConnection) return;
    const endpoint = this.transport.endpoint;
    try {
      const check = await this.transport.checkConnection();
      this.logger.log(connectionVerified(this.name, endpoint, check.answer));
    } catch (error) {
      // Bootstrap stops here and may never reach the shutdown hooks: release the transport now.
      await this.transport.close().catch(() => undefined);
      throw new Error(connectionCheckFailed(this.name, endpoint, error), { cause: error });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.telemetry.close();
    await this.transport.close();
  }
}
