import type { LoggerService, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CLIENT_DEFAULTS } from '../client/client.options.js';
import { MQClient } from '../client/mq.client.js';
import { createMQLogger } from './mq.logger.js';
import { connectionCheckFailed, connectionVerified } from './mq.messages.js';
import { MQProducer } from './mq.producer.js';
import type { ResolvedModuleOptions } from './options/module-options.resolver.js';

/**
 * Everything one `MQModule.forRoot()` registers: validated options, the client and the producer.
 * The explorer finds connections by this class through discovery, so the static core module
 * needs no dynamic tokens. The client is closed last (onApplicationShutdown), after the
 * orchestrator drained the consumers in earlier hooks.
 */
export class MQConnection implements OnModuleInit, OnApplicationShutdown {
  readonly name: string;
  readonly client: MQClient;
  readonly producer: MQProducer;
  readonly logger: LoggerService;

  constructor(readonly options: ResolvedModuleOptions) {
    this.name = options.connection;
    this.logger = createMQLogger(options.logger, 'MQModule');
    // Constructing the client opens nothing: sockets are created on the first request.
    this.client = new MQClient(options.endpoint, options.credentials, options.client);
    this.producer = new MQProducer(this.client, this.name, this.logger);
  }

  /**
   * `verifyConnection`: one request that changes nothing, before any consumer starts (they start
   * in onApplicationBootstrap); a refusal or no answer within the deadline fails bootstrap.
   */
  async onModuleInit(): Promise<void> {
    if (!this.options.verifyConnection) return;
    const deadlineMs = this.options.client.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs;
    try {
      const check = await this.client.checkConnection({ signal: AbortSignal.timeout(deadlineMs) });
      this.logger.log(connectionVerified(this.name, this.client.endpoint, check.answer));
    } catch (error) {
      // Bootstrap stops here and may never reach the shutdown hooks: release the socket now.
      await this.client.close().catch(() => undefined);
      throw new Error(connectionCheckFailed(this.name, this.client.endpoint, error, deadlineMs), {
        cause: error,
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
