import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import { startEmulator } from '../emulator/emulator.js';
import type { EmulatorOptions, RunningEmulator } from '../emulator/emulator.types.js';
import type { EmulatorFaults } from '../emulator/faults/fault.types.js';
import type { MQEvent, MQEventType } from '../nest/interfaces/mq-events.interface.js';
import { MQProducer } from '../nest/mq.producer.js';
import { MQConsumerRegistry } from '../nest/mq.registry.js';
import { getMQProducerToken } from '../nest/mq.tokens.js';
import type { MQTransportKind } from '../transport/index.js';
import { EventRecorder, type MQEventOf, type WaitOptions } from './event-recorder.js';
import { MQTestingModule, type MQTestingModuleOptions } from './mq-testing.module.js';

export interface MQTestingSetup {
  /**
   * The protocol the module speaks (default `'http'`): `'grpc'` connects it to the embedded
   * emulator's RocketMQ 5 front (started with a gRPC port). Same as `module.transport`.
   */
  transport?: MQTransportKind;
  /**
   * Options of the embedded emulator (default: virtual clock, any free port), or an emulator you
   * started yourself (it is then left running by `close()`). FIFO consumer groups of orderly
   * consumers on gRPC are declared here: `groups: [{ id, fifo: true }]`.
   */
  emulator?: EmulatorOptions | RunningEmulator;
  /** Extra `MQModule.forRoot` options (e.g. `{ consumersEnabled: false }`, `defaults`). */
  module?: MQTestingModuleOptions;
  /** Adjusts the builder before compiling, e.g. `(b) => b.overrideProvider(X).useValue(y)`. */
  configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** A running Nest testing module wired to an emulator. */
export interface MQTestingHarness {
  /** The compiled and initialized module (consumers started unless `autoStart: false`). */
  moduleRef: TestingModule;
  emulator: RunningEmulator;
  /** The producer of the connection. */
  producer: MQProducer;
  registry: MQConsumerRegistry;
  /** Every event since the harness started. */
  readonly events: readonly MQEvent[];
  /**
   * The first event of `type` matching `predicate`, among recorded and future events; e.g.
   * `await mq.waitFor('message.acked', (e) => e.messageId === id)`. Rejects after 10 s.
   */
  waitFor<T extends MQEventType>(
    type: T,
    predicate?: (event: MQEventOf<T>) => boolean,
    options?: WaitOptions,
  ): Promise<MQEventOf<T>>;
  /** The first `count` events of `type` matching `predicate` (recorded and future). */
  waitForMany<T extends MQEventType>(
    type: T,
    count: number,
    predicate?: (event: MQEventOf<T>) => boolean,
    options?: WaitOptions,
  ): Promise<MQEventOf<T>[]>;
  /**
   * The emulator's fault injector: `faults.add({ match: { operation: 'publish' }, count: 1,
   * action: { kind: 'error', code: 'InternalError' } })` returns the rule's id; `remove(id)`,
   * `clear()`, and `stats()` (rules with their hits, injected faults by kind).
   */
  faults: EmulatorFaults;
  /**
   * Moves the emulator's virtual clock (redeliveries, timers, transaction checks; on gRPC also the
   * retry backoff of handed-back messages and the invisibility a receive chose). The producer's
   * client reads the same clock, so `publish(..., { delayMs })` then `advance(delayMs)` delivers;
   * an absolute `deliverAt` is emulator time (`emulator.admin.now()` + ms).
   */
  advance(ms: number): void;
  /** Closes the module (consumers drain) and the emulator if the harness started it. */
  close(): Promise<void>;
}

function isRunning(value: EmulatorOptions | RunningEmulator | undefined): value is RunningEmulator {
  return value !== undefined && typeof (value as RunningEmulator).stop === 'function';
}

/**
 * Builds, compiles and initializes a testing module with `MQModule` pointed at an embedded
 * emulator, so consumers and producers run for real (HTTP, signatures, acks, redelivery) with a
 * virtual clock.
 *
 * @example
 * ```ts
 * const mq = await createMQTestingModule({ imports: [OrdersModule] });
 * const { messageId } = await mq.producer.publish('orders', { id: 1 });
 * await mq.waitFor('message.acked', (e) => e.messageId === messageId);
 * mq.advance(300_000); // past the invisibility window: unacked messages come back
 * await mq.close();
 * ```
 */
export async function createMQTestingModule(
  metadata: ModuleMetadata = {},
  setup: MQTestingSetup = {},
): Promise<MQTestingHarness> {
  const owned = !isRunning(setup.emulator);
  const transport = setup.transport ?? setup.module?.transport;
  const emulator = isRunning(setup.emulator)
    ? setup.emulator
    : await startEmulator({
        clock: 'virtual',
        ...(transport === 'grpc' && { grpcPort: 0 }),
        ...setup.emulator,
      });
  const moduleOptions: MQTestingModuleOptions = {
    ...setup.module,
    ...(transport !== undefined && { transport }),
  };
  let moduleRef: TestingModule | undefined;
  let recorder: EventRecorder | undefined;
  try {
    const builder = Test.createTestingModule({
      ...metadata,
      imports: [MQTestingModule.forEmulator(emulator, moduleOptions), ...(metadata.imports ?? [])],
    });
    moduleRef = await (setup.configure ? setup.configure(builder) : builder).compile();
    const registry = moduleRef.get(MQConsumerRegistry, { strict: false });
    // Subscribe before init: consumers start in onApplicationBootstrap.
    const events = new EventRecorder(registry.events$);
    recorder = events;
    await moduleRef.init();
    const producer = moduleRef.get<MQProducer>(getMQProducerToken(setup.module?.name), {
      strict: false,
    });
    const ref = moduleRef;
    return {
      moduleRef: ref,
      emulator,
      producer,
      registry,
      events: events.events,
      waitFor: (type, predicate, options) => events.waitFor(type, predicate, options),
      waitForMany: (type, count, predicate, options) =>
        events.waitForMany(type, count, predicate, options),
      faults: emulator.faults,
      advance: (ms) => emulator.admin.advance(ms),
      close: async () => {
        try {
          await ref.close();
        } finally {
          events.close();
          if (owned) await emulator.stop();
        }
      },
    };
  } catch (error) {
    recorder?.close();
    await moduleRef?.close().catch(() => undefined);
    if (owned) await emulator.stop();
    throw error;
  }
}
