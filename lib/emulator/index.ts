/** Public entry of the emulator (subpath `nestjs-aliyun-mq/emulator`). */
export { startEmulator } from './emulator.js';
export { DEV_CREDENTIALS } from './config/emulator.defaults.js';
export { EmulatorOptionsError } from './config/emulator-options.validate.js';
export { EmulatorAdminError } from './admin/emulator-admin.js';
export { RealClock, VirtualClock } from './clock/clock.js';
export { FaultRuleError } from './faults/fault-rule.validate.js';
export { FAULT_FRONTS, FAULT_KINDS, FAULT_OPERATIONS } from './faults/fault.types.js';
export type {
  EmulatorFaultOptions,
  EmulatorFaults,
  FaultAction,
  FaultFront,
  FaultKind,
  FaultMatch,
  FaultOperation,
  FaultRuleInput,
  FaultRuleView,
  FaultStats,
} from './faults/fault.types.js';
export type { Clock } from './clock/clock.js';
export type {
  EmulatorAdmin,
  EmulatorConsumerSeen,
  EmulatorCredential,
  EmulatorDeadLetterSelection,
  EmulatorGroupDeclaration,
  EmulatorGroupStats,
  EmulatorLifeEvent,
  EmulatorMessageLife,
  EmulatorMessageSummary,
  EmulatorMessageView,
  EmulatorOptions,
  EmulatorTestMessage,
  EmulatorTimings,
  EmulatorTopicDeclaration,
  EmulatorTopicStats,
  RunningEmulator,
} from './emulator.types.js';
