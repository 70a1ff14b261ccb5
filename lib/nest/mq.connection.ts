import type { LoggerService, OnApplicationShutdown } from '@nestjs/common';
import { MQClient } from '../client/mq.client.js';
import { createMQLogger } from './mq.logger.js';
import { MQProducer } from './mq.producer.js';
import type { ResolvedModuleOptions } from './options/module-options.resolver.js';

/**
 * Everything one `MQModule.forRoot()` registers: validated options, the client and the producer.
 * The explorer finds connections by this class through discovery, so the static core module
 * needs no dynamic tokens. The client is closed last (onApplicationShutdown), after the
 * orchestrator drained the consumers in earlier hooks.
 */
export class MQConnection implements OnApplicationShutdown {
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

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
