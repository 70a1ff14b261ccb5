import type { Broker } from '../broker/broker.js';
import { VirtualClock } from '../clock/clock.js';
import type { Clock } from '../clock/clock.js';
import type { EmulatorAdmin } from '../emulator.types.js';

/** An admin call that cannot work in the current configuration (e.g. advancing a real clock). */
export class EmulatorAdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorAdminError';
  }
}

/**
 * The in-process admin handle of a running emulator. Queries without `instanceId` look at the
 * emulator's own instance (the one printed in the banner and used by most apps); pass '' for the
 * namespace-less default instance.
 */
export function createEmulatorAdmin(
  broker: Broker,
  clock: Clock,
  instanceId: string,
): EmulatorAdmin {
  const virtualClock = (operation: string): VirtualClock => {
    if (clock instanceof VirtualClock) return clock;
    throw new EmulatorAdminError(
      `${operation}() needs a virtual clock; start the emulator with clock: 'virtual' (CLI: --clock virtual)`,
    );
  };
  return {
    now: () => clock.now(),
    advance(ms: number) {
      const vc = virtualClock('advance');
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new EmulatorAdminError(
          `advance(ms) needs a finite number of milliseconds >= 0, got ${String(ms)}`,
        );
      }
      vc.advance(ms);
    },
    setTime(epochMs: number) {
      const vc = virtualClock('setTime');
      if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) {
        throw new EmulatorAdminError(
          `setTime(epochMs) needs a finite epoch time in ms, got ${String(epochMs)}`,
        );
      }
      if (epochMs < vc.now()) {
        throw new EmulatorAdminError(
          `setTime(epochMs) cannot move the clock backwards (now ${vc.now()}, asked ${epochMs})`,
        );
      }
      vc.setTime(epochMs);
    },
    reset: () => broker.admin.reset(),
    topics: () => broker.admin.topics(),
    groups: () => broker.admin.groups(),
    peek: (query) => broker.admin.peek({ ...query, instanceId: query.instanceId ?? instanceId }),
    deadLetters: (query) =>
      broker.admin.deadLetters({ ...query, instanceId: query.instanceId ?? instanceId }),
  };
}
