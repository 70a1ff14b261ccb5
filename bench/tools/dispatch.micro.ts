/**
 * Per-dispatch cost of the Nest pipeline (deserialize → guards/interceptors/pipes → handler →
 * outcome), without any HTTP, plus the tax the dispatcher puts on unrelated promises of the same
 * process (an `AsyncLocalStorage` turns on Node's promise hooks for everyone). Usage:
 *   node dist/bench/tools/dispatch.micro.js [dispatches=200000]
 */
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import {
  DiscoveryModule,
  DiscoveryService,
  ExternalContextCreator,
  ModuleRef,
  NestFactory,
} from '@nestjs/core';
import type { MQReceivedMessage } from '../../lib/client/client.types.js';
import type { MessageDispatcher } from '../../lib/nest/consumer/consumer.contract.js';
import { MQPayload } from '../../lib/nest/decorators/index.js';
import { DispatchTracker } from '../../lib/nest/dispatcher/dispatch.tracker.js';
import { HandlerPipeline } from '../../lib/nest/dispatcher/handler.pipeline.js';
import { createMessageDispatcher } from '../../lib/nest/dispatcher/message.dispatcher.js';
import { MQParamsFactory } from '../../lib/nest/dispatcher/mq-params.factory.js';
import type {
  MQConsumerDefinition,
  MQHandlerTarget,
} from '../../lib/nest/interfaces/mq-handler-definition.interface.js';

@Injectable()
class BenchHandlers {
  handled = 0;

  async decorated(@MQPayload() payload: { n: number }): Promise<void> {
    this.handled += payload.n;
  }

  async undecorated(payload: { n: number }, _message: unknown, _ctx: unknown): Promise<void> {
    this.handled += payload.n;
  }
}

@Module({ imports: [DiscoveryModule], providers: [BenchHandlers] })
class BenchModule {}

const CONCURRENCY = 16;

function message(i: number): MQReceivedMessage {
  return {
    messageId: 'M' + i,
    receiptHandle: 'H' + i,
    bodyMd5: '',
    body: '{"n":1}',
    publishTime: 0,
    firstConsumeTime: 0,
    nextConsumeTime: 0,
    consumedTimes: 1,
    properties: {},
  };
}

async function perDispatchUs(dispatch: MessageDispatcher, total: number): Promise<number> {
  const messages = Array.from({ length: CONCURRENCY }, (_, i) => message(i));
  const delivery = { signal: new AbortController().signal };
  const start = process.hrtime.bigint();
  for (let done = 0; done < total; done += CONCURRENCY) {
    const results = await Promise.all(messages.map((m) => dispatch(m, delivery)));
    if (results[0]?.outcome !== 'ack') throw new Error(`unexpected outcome ${results[0]?.outcome}`);
  }
  return Number(process.hrtime.bigint() - start) / 1000 / total;
}

/** Unrelated async work: a chain of awaits, ns per await. */
async function bystanderNsPerAwait(awaits: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < awaits; i++) await Promise.resolve(i);
  return Number(process.hrtime.bigint() - start) / awaits;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200_000);
  const before = await bystanderNsPerAwait(2_000_000);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const wrapper = app
    .get(DiscoveryService)
    .getProviders()
    .find((w) => w.metatype === BenchHandlers)!;
  const tracker = new DispatchTracker();
  const deps = {
    contextCreator: app.get(ExternalContextCreator),
    moduleRef: app.get(ModuleRef),
    paramsFactory: new MQParamsFactory(tracker),
    tracker,
  };
  const policies = {
    onFilteredError: 'retry',
    onGuardRejection: 'retry',
    onInvalidMessage: 'retry',
  } as const;
  const dispatcherFor = (methodName: string): MessageDispatcher => {
    const target: MQHandlerTarget = {
      wrapper,
      hostClass: BenchHandlers,
      methodName,
      label: `BenchHandlers.${methodName}`,
      scope: 'static',
    };
    const definition = {
      kind: 'consumer',
      options: { name: target.label, topic: 'T', group: 'G' },
      target,
      decode: (m: MQReceivedMessage) => JSON.parse(m.body) as unknown,
    } as unknown as MQConsumerDefinition;
    return createMessageDispatcher(definition, new HandlerPipeline(target, deps), policies);
  };
  for (const method of ['decorated', 'undecorated']) {
    const dispatch = dispatcherFor(method);
    await perDispatchUs(dispatch, 20_000); // warm-up
    const rounds = [1, 2, 3].map(() => 0);
    for (let r = 0; r < rounds.length; r++) rounds[r] = await perDispatchUs(dispatch, total);
    rounds.sort((a, b) => a - b);
    console.log(
      `${method}: ${rounds[1]!.toFixed(2)} µs per dispatch (median of ${rounds.length}, ${total} dispatches, ${CONCURRENCY} concurrent)`,
    );
  }
  const after = await bystanderNsPerAwait(2_000_000);
  console.log(
    `unrelated await in the same process: ${before.toFixed(1)} ns before the dispatcher ran, ${after.toFixed(1)} ns after`,
  );
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
