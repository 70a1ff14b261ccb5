import type { DynamicModule } from '@nestjs/common';
import type { RunningEmulator } from '../emulator/emulator.types.js';
import { MQModule } from '../nest/mq.module.js';
import type {
  MQModuleExtras,
  MQModuleOptions,
} from '../nest/interfaces/mq-module-options.interface.js';

/** Options of `MQTestingModule.forEmulator()`: anything of `forRoot` except the connection. */
export type MQTestingModuleOptions = Partial<MQModuleOptions> & MQModuleExtras;

/** Wires `MQModule` to an emulator, for tests that build their own `TestingModule`. */
export class MQTestingModule {
  /**
   * `MQModule.forRoot()` pointed at `emulator` (its endpoint, development credentials and
   * instance id), with the client reading the emulator's clock, so that a `delayMs` timer counts
   * from the emulator's (virtual) now; `options` may add or override anything, e.g.
   * `consumersEnabled` or `defaults`. With `transport: 'grpc'` it connects to the emulator's
   * RocketMQ 5 front (start the emulator with `grpcPort`).
   *
   * @example
   * ```ts
   * const emulator = await startEmulator({ clock: 'virtual' });
   * const moduleRef = await Test.createTestingModule({
   *   imports: [MQTestingModule.forEmulator(emulator), OrdersModule],
   * }).compile();
   * await moduleRef.init();
   * ```
   */
  static forEmulator(
    emulator: RunningEmulator,
    options: MQTestingModuleOptions = {},
  ): DynamicModule {
    const grpc = options.transport === 'grpc';
    if (grpc && emulator.grpcEndpoint === undefined) {
      throw new Error(
        "MQTestingModule: transport 'grpc' needs an emulator started with grpcPort (e.g. startEmulator({ grpcPort: 0 }))",
      );
    }
    return MQModule.forRoot({
      endpoint: grpc ? emulator.grpcEndpoint! : emulator.endpoint,
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      instanceId: emulator.instanceId,
      ...options,
      client: { clock: () => emulator.admin.now(), ...options.client },
    } as MQModuleOptions & MQModuleExtras);
  }
}
