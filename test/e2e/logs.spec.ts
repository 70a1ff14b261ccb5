import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQConsumerRegistry, MQModule, MQProducer } from '../../lib/index.js';
import { EventRecorder } from '../../lib/testing/event-recorder.js';
import { connectionTo, virtualEmulator } from './fixtures/harness.js';

interface Line {
  level: string;
  message: string;
  context: string | undefined;
}

/** The application's logger (Nest's `Logger` and everything routed through it). */
class CollectingLogger implements LoggerService {
  readonly lines: Line[] = [];
  private add(level: string, message: unknown, rest: unknown[]): void {
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' && !last.includes('\n') ? last : undefined;
    const text = message instanceof Error ? `${message.name}: ${message.message}` : String(message);
    this.lines.push({ level, message: text, context });
  }
  log(message: unknown, ...rest: unknown[]) {
    this.add('log', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.add('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.add('error', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.add('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.add('verbose', message, rest);
  }
}

@Injectable()
class Failing {
  @MQConsumer('logs-fail', 'GID_logs', { name: 'failing' })
  handle(): void {
    throw new Error('handler failed on purpose (logs spec)');
  }
}

@Injectable()
class Risky {
  // Over the 5-minute invisibility window: a bootstrap warning.
  @MQConsumer('logs-risky', 'GID_logs', { handlerTimeoutMs: 400_000 })
  handle(): void {}
}

@Injectable()
class LockedOut {
  @MQConsumer('logs-locked', 'GID_logs_locked', { connection: 'locked', name: 'locked-out' })
  handle(): void {}
}

describe('logs', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await virtualEmulator();
  });
  afterAll(() => emulator.stop());

  it('a failed handler is logged once, by the consumer, with its message id and stack', async () => {
    const logger = new CollectingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [MQModule.forRoot(connectionTo(emulator))],
      providers: [Failing],
    })
      .setLogger(logger)
      .compile();
    const events = new EventRecorder(moduleRef.get(MQConsumerRegistry).events$);
    await moduleRef.init();
    try {
      const { messageId } = await moduleRef.get(MQProducer).publish('logs-fail', { n: 1 });
      await events.waitFor('message.failed', (e) => e.messageId === messageId);
      const about = logger.lines.filter((l) => l.message.includes('handler failed on purpose'));
      expect(about).toEqual([
        {
          level: 'error',
          message: expect.stringContaining(`message ${messageId} (attempt 1)`),
          context: 'MQConsumer:failing',
        },
      ]);
      expect(logger.lines.filter((l) => l.context === 'ExceptionsHandler')).toEqual([]);
    } finally {
      await moduleRef.close();
    }
  });

  it('logger: false silences the package: bootstrap warnings, start lines, failures, polls, producer', async () => {
    const own = await startEmulator({ clock: 'virtual' });
    const logger = new CollectingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        MQModule.forRoot({
          ...connectionTo(own),
          logger: false,
          // An override for a consumer nobody declares: a bootstrap warning.
          consumers: { 'Nobody.handle': { concurrency: 2 } },
        }),
        MQModule.forRoot({
          ...connectionTo(own),
          name: 'locked',
          accessKeySecret: 'not-the-emulator-secret',
          logger: false,
        }),
      ],
      providers: [Failing, Risky, LockedOut],
    })
      .setLogger(logger)
      .compile();
    const events = new EventRecorder(moduleRef.get(MQConsumerRegistry).events$);
    await moduleRef.init();
    let closed = false;
    try {
      const producer = moduleRef.get(MQProducer);
      const { messageId } = await producer.publish('logs-fail', { n: 2 });
      await events.waitFor('message.failed', (e) => e.messageId === messageId);
      await events.waitFor('consumer.unhealthy', (e) => e.consumer === 'locked-out');
      // The broker goes away during a local transaction: the commit fails (the producer logs
      // that), and every consumer's polls fail (the runners log those).
      await producer.publishTransactional(
        'logs-tx',
        { n: 3 },
        { group: 'GID_logs_tx' },
        async () => {
          await own.stop();
          closed = true;
        },
      );
      await events.waitFor('poll.error', (e) => e.consumer === 'failing');
      await moduleRef.close();
      const fromPackage = logger.lines.filter(
        (l) =>
          l.context?.startsWith('MQ') === true ||
          l.context === 'ExceptionsHandler' ||
          /logs-|GID_logs|MQ consumer|failing|locked-out/.test(l.message),
      );
      expect(fromPackage).toEqual([]);
    } finally {
      if (!closed) await own.stop();
      await moduleRef.close();
    }
  });
});
