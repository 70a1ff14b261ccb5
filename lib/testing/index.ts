/** Test helpers (subpath `nestjs-aliyun-mq/testing`): Nest testing modules wired to the emulator. */
export {
  createMQTestingModule,
  type MQTestingHarness,
  type MQTestingSetup,
} from './create-mq-testing-module.js';
export { MQTestingModule, type MQTestingModuleOptions } from './mq-testing.module.js';
export type { MQEventOf, WaitOptions } from './event-recorder.js';
