/**
 * A minimal Nest application (no HTTP) with one `@MQConsumer` handler, as a user would write it.
 * The class is declared inside the factory so that each scenario gets its own topic, group and
 * consumer options in the decorator.
 */
import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { MQConsumer, MQConsumerRegistry, MQModule } from '../../lib/index.js';
import type { MQEvent, MQTransportKind } from '../../lib/index.js';
import type { BenchCredentials } from '../clients/presigned.request.js';

export interface ConsumerAppOptions {
  /** Default 'http'; 'grpc' needs `endpoint` = host:port and `instanceId` (the namespace). */
  transport?: MQTransportKind;
  endpoint: string;
  instanceId?: string;
  credentials: BenchCredentials;
  topic: string;
  group: string;
  /** Decorator options; omitted = the module's defaults. */
  consumer?: { concurrency?: number; batchSize?: number; waitSeconds?: number; batch?: boolean };
  /** Called at the start of every handler invocation (once per batch for `batch: true`). */
  onHandlerStart(): void;
  /** Called for every event of the consumer registry (acks, failures). */
  onEvent(event: MQEvent): void;
}

/** Default consumer name: `Class.method`. */
const CONSUMER_NAME = 'BenchHandler.handle';

export interface RunningConsumerApp {
  close(): Promise<void>;
}

export async function startConsumerApp(options: ConsumerAppOptions): Promise<RunningConsumerApp> {
  // Started by hand once the events are subscribed, so that no early ack event is missed.
  const decoratorOptions = { ...options.consumer, autoStart: false };

  @Injectable()
  class BenchHandler {
    @MQConsumer(options.topic, options.group, decoratorOptions)
    async handle(): Promise<void> {
      options.onHandlerStart();
    }
  }

  @Module({
    imports: [
      MQModule.forRoot({
        ...(options.transport !== undefined && { transport: options.transport }),
        ...(options.instanceId !== undefined && { instanceId: options.instanceId }),
        endpoint: options.endpoint,
        accessKeyId: options.credentials.accessKeyId,
        accessKeySecret: options.credentials.accessKeySecret,
      }),
    ],
    providers: [BenchHandler],
  })
  class BenchModule {}

  const app: INestApplicationContext = await NestFactory.createApplicationContext(BenchModule, {
    logger: ['error', 'warn'],
  });
  let subscription: Subscription | undefined;
  try {
    const registry = app.get(MQConsumerRegistry);
    subscription = registry.events$.subscribe(options.onEvent);
    registry.start(CONSUMER_NAME);
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    async close() {
      subscription?.unsubscribe();
      await app.close();
    },
  };
}
