import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Scope, type LoggerService } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQModule } from '../../lib/index.js';
import { boot, connectionTo, virtualEmulator } from './fixtures/harness.js';

/** A LoggerService that keeps what it is given (the module's `logger` option). */
class CollectingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  log(message: string, context?: string) {
    this.lines.push({ level: 'log', message, context });
  }
  warn(message: string, context?: string) {
    this.lines.push({ level: 'warn', message, context });
  }
  error(message: string, _trace?: string, context?: string) {
    this.lines.push({ level: 'error', message, context });
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  }
}

@Injectable()
class RiskyConsumers {
  @MQConsumer('bw-slow', 'GID_bw', { handlerTimeoutMs: 300_000 })
  slow() {}

  @MQConsumer('bw-orderly', 'GID_bw', { orderly: true, handlerTimeoutMs: 60_000 })
  orderly() {}

  @MQConsumer('bw-tags', 'GID_bw', { tag: 'a' })
  tagA() {}

  @MQConsumer('bw-tags', 'GID_bw', { tag: 'b' })
  tagB() {}

  @MQConsumer('bw-narrow', 'GID_bw', { concurrency: 8 })
  narrow() {}
}

@Injectable({ scope: Scope.REQUEST })
class PerMessage {
  constructor(@Inject(REQUEST) readonly request: unknown) {}

  @MQConsumer('bw-scoped', 'GID_bw')
  handle() {}
}

describe('bootstrap log lines and warnings', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await virtualEmulator();
  });
  afterAll(() => emulator.stop());

  it('warn about risky setups and log one line per started consumer, through the `logger` option', async () => {
    const logger = new CollectingLogger();
    const { moduleRef } = await boot({
      imports: [
        MQModule.forRoot({
          ...connectionTo(emulator),
          logger,
          consumers: { 'Typo.handle': { concurrency: 2 } },
        }),
      ],
      providers: [RiskyConsumers, PerMessage],
    });
    const warnings = logger.warnings();
    expect(warnings).toEqual(
      expect.arrayContaining([
        'consumer "RiskyConsumers.slow": handlerTimeoutMs 300000 is not below the broker\'s 300 s invisibility window; a handler that runs that long loses its receipt handle and the message is delivered again while it still runs',
        expect.stringContaining(
          'consumer "RiskyConsumers.orderly": handlerTimeoutMs 60000 is not below the broker\'s 60 s',
        ),
        'consumers "RiskyConsumers.tagA" and "RiskyConsumers.tagB" read topic "bw-tags" with group "GID_bw" using different tag filters; the broker expects one subscription per group, so prefer one group per filter',
        'consumer "PerMessage.handle" is request-scoped: a new instance tree is created for every message',
        'option "consumers" of connection "default" names "Typo.handle", which is no consumer of it',
      ]),
    );
    expect(warnings).toHaveLength(5);
    const started = logger.lines.filter((l) => l.level === 'log' && l.context === 'MQModule');
    expect(started.map((l) => l.message)).toContain(
      'RiskyConsumers.tagA → bw-tags[a] @ GID_bw (concurrency 16, batch 16, wait 30s)',
    );
    expect(started.map((l) => l.message)).toContain(
      'RiskyConsumers.orderly → bw-orderly @ GID_bw (concurrency 16, batch 16, wait 30s, orderly)',
    );
    // A poll never asks for more than the free handler slots: 8, whatever batchSize says.
    expect(started.map((l) => l.message)).toContain(
      'RiskyConsumers.narrow → bw-narrow @ GID_bw (concurrency 8, batch 8: batchSize 16 capped by concurrency, wait 30s)',
    );
    await moduleRef.close();
  });

  it("logger: false silences the module (its lines otherwise go to Nest's logger)", async () => {
    const linesWith = async (extra: object) => {
      const appLogger = new CollectingLogger();
      const moduleRef = await Test.createTestingModule({
        imports: [MQModule.forRoot({ ...connectionTo(emulator), ...extra })],
        providers: [RiskyConsumers],
      })
        .setLogger(appLogger)
        .compile();
      await moduleRef.init();
      await moduleRef.close();
      return appLogger.lines.filter((l) => l.context === 'MQModule');
    };
    expect((await linesWith({})).length).toBeGreaterThan(0);
    expect(await linesWith({ logger: false })).toEqual([]);
  });
});
