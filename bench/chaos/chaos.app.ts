/**
 * The Nest app of the chaos run, as a user would write it: one `@MQConsumer` that records every
 * delivery, the injectable `MQProducer`, and tight deadlines so that each fault ends quickly.
 */
import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import {
  MQConsumer,
  MQConsumerRegistry,
  MQModule,
  MQProducer,
  type MQEvent,
  type MQReceivedMessage,
} from '../../lib/index.js';

export const CHAOS_TOPIC = 'chaos';
export const CHAOS_GROUP = 'GID_chaos';
const CONSUMER = 'ChaosConsumer.handle';

/** Deadlines and policies of the app (short, so that a stalled answer costs little run time). */
export const CHAOS_APP_SETTINGS = {
  requestTimeoutMs: 400,
  longPollMarginMs: 400,
  waitSeconds: 1,
  concurrency: 16,
  drainTimeoutMs: 2_000,
  publishRetry: { maxAttempts: 6, initialDelayMs: 20, maxDelayMs: 200, deadlineMs: 5_000 },
} as const;

export interface ChaosAppOptions {
  endpoint: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
  instanceId: string;
  onDelivery(message: MQReceivedMessage): void;
  onEvent(event: MQEvent): void;
}

export interface ChaosApp {
  producer: MQProducer;
  registry: MQConsumerRegistry;
  close(): Promise<void>;
}

export async function startChaosApp(options: ChaosAppOptions): Promise<ChaosApp> {
  const s = CHAOS_APP_SETTINGS;

  @Injectable()
  class ChaosConsumer {
    @MQConsumer(CHAOS_TOPIC, CHAOS_GROUP, {
      concurrency: s.concurrency,
      waitSeconds: s.waitSeconds,
      handlerTimeoutMs: 2_000,
      autoStart: false,
    })
    handle(_payload: unknown, message: MQReceivedMessage): void {
      options.onDelivery(message);
    }
  }

  @Module({
    imports: [
      MQModule.forRoot({
        endpoint: options.endpoint,
        ...options.credentials,
        instanceId: options.instanceId,
        client: { requestTimeoutMs: s.requestTimeoutMs, longPollMarginMs: s.longPollMarginMs },
        publishRetry: s.publishRetry,
        shutdown: { drainTimeoutMs: s.drainTimeoutMs },
        logger: false,
      }),
    ],
    providers: [ChaosConsumer],
  })
  class ChaosModule {}

  const app: INestApplicationContext = await NestFactory.createApplicationContext(ChaosModule, {
    logger: false,
  });
  const registry = app.get(MQConsumerRegistry);
  // Started by hand once the events are subscribed, so that no early event is missed.
  const subscription: Subscription = registry.events$.subscribe(options.onEvent);
  registry.start(CONSUMER);
  return {
    producer: app.get(MQProducer),
    registry,
    async close() {
      await app.close();
      subscription.unsubscribe();
    },
  };
}
