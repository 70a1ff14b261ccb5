import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type LoggerService, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import {
  MQConsumer,
  MQModule,
  type MQBatchContext,
  type MQConsumerOptions,
  type MQModuleOptions,
} from '../../lib/index.js';
import { createMQTestingModule } from '../../lib/testing/index.js';
import { connectionTo, virtualEmulator } from './fixtures/harness.js';
import { quiet, silentLogger } from './fixtures/quiet.js';

function batchConsumer(options: MQConsumerOptions): Type {
  @Injectable()
  class Bulk {
    @MQConsumer('bo-topic', 'GID_bo', options)
    insert() {}
  }
  return Bulk;
}

/** Compiles and initializes; returns the bootstrap error's message, or undefined. */
async function bootstrap(
  module: Partial<MQModuleOptions>,
  consumer: Type,
  logger: LoggerService = silentLogger,
): Promise<string | undefined> {
  const builder = Test.createTestingModule({
    imports: [MQModule.forRoot({ ...connectionTo(emulator), ...module } as MQModuleOptions)],
    providers: [consumer],
  });
  builder.setLogger(logger);
  try {
    const moduleRef = await builder.compile();
    try {
      await moduleRef.init();
    } finally {
      await moduleRef.close();
    }
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

let emulator: RunningEmulator;

describe('the batch option is checked at bootstrap, naming it', () => {
  beforeAll(async () => {
    emulator = await virtualEmulator();
  });
  afterAll(() => emulator.stop());

  it('must be a boolean', async () => {
    expect(await bootstrap({}, batchConsumer({ batch: 'yes' as never }))).toBe(
      'MQModule: consumer "Bulk.insert": option "batch" must be a boolean',
    );
  });

  it('cannot come from the module overrides or defaults (it changes the handler parameters)', async () => {
    expect(
      await bootstrap(
        { consumers: { 'Bulk.insert': { batch: false } as never } },
        batchConsumer({ batch: true }),
      ),
    ).toBe(
      'MQModule: consumer "Bulk.insert": option "consumers.Bulk.insert.batch" cannot be set here: it changes the handler\'s parameters; set it in @MQConsumer()',
    );
    expect(await bootstrap({ defaults: { batch: true } as never }, batchConsumer({}))).toBe(
      'MQModule: consumer "Bulk.insert": option "defaults.batch" cannot be set here: it changes the handler\'s parameters; set it in @MQConsumer()',
    );
  });

  it('a failed batch is logged once, with its size, the outcome and the ids left unacked', async () => {
    const errors: string[] = [];
    const logger: LoggerService = {
      ...silentLogger,
      error: (message: unknown) => void errors.push(String(message)),
    };
    @Injectable()
    class Failing {
      @MQConsumer('bo-fail', 'GID_bo', { batch: true, autoStart: false })
      insert(_items: unknown[], _messages: unknown, ctx: MQBatchContext) {
        ctx.markDone(0);
        throw new Error('constraint violated');
      }
    }
    const mq = await createMQTestingModule(
      { providers: [Failing] },
      { configure: quiet, emulator, module: { logger } },
    );
    try {
      const first = await mq.producer.publish('bo-fail', { n: 1 });
      const second = await mq.producer.publish('bo-fail', { n: 2 });
      mq.registry.start();
      await mq.waitFor('message.failed', (e) => e.messageId === second.messageId);
      expect(first.messageId).not.toBe(second.messageId);
      expect(errors).toEqual([
        `MQ consumer Failing.insert: a batch of 2 message(s) on bo-fail @ GID_bo failed; 1 marked done, acked; 1 not acked, they will be delivered again: Error: constraint violated; not acked: ${second.messageId} (attempt 1)`,
      ]);
    } finally {
      await mq.close();
    }
  });

  it('a batch consumer starts and says so in its start line', async () => {
    const lines: string[] = [];
    const logger: LoggerService = {
      ...silentLogger,
      log: (message: unknown) => void lines.push(String(message)),
    };
    const options = { batch: true, orderly: true, concurrency: 32 };
    expect(await bootstrap({}, batchConsumer(options), logger)).toBeUndefined();
    expect(lines).toContain(
      'Bulk.insert → bo-topic @ GID_bo (concurrency 32, batch 16, wait 30s, orderly, batch handler)',
    );
  });
});
