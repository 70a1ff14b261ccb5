import { MQ_LIMITS } from '../../protocol/index.js';
import { ONS_LIMITS } from '../../protocol/ons/index.js';
import type { EmulatorCredential, EmulatorTimings } from '../emulator.types.js';

/**
 * Well-known development credentials. They are public on purpose (printed in the banner) so that
 * nobody mistakes them for real keys; the emulator accepts them unless other credentials are set.
 */
export const DEV_CREDENTIALS: Readonly<EmulatorCredential> = Object.freeze({
  accessKeyId: 'emulator',
  accessKeySecret: 'emulator-secret',
});

export const DEFAULT_INSTANCE_ID = 'MQ_INST_emulator';
export const DEFAULT_HOST = '127.0.0.1';
/** Port of the standalone CLI; embedded servers default to 0 (any free port). */
export const DEFAULT_CLI_PORT = 9876;

/** The cloud's documented values (PROTOCOL.md §7), all overridable for tests. */
export const DEFAULT_TIMINGS: Readonly<EmulatorTimings> = Object.freeze({
  invisibilityMs: 300_000,
  orderlyInvisibilityMs: 60_000,
  halfInvisibilityMs: 10_000,
  maxRetries: 288,
  retentionMs: 3 * 24 * 3_600_000,
  halfMaxAgeMs: 24 * 3_600_000,
  maxDateSkewMs: MQ_LIMITS.maxDateSkewMs,
  maxWaitSeconds: MQ_LIMITS.maxWaitSeconds,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  onsMaxTimeSkewMs: ONS_LIMITS.maxTimeSkewMs,
});

/**
 * The retention budget (see broker.retention.ts): enough for any development backlog, small enough
 * that a day at a steady rate stays within a few hundred MiB of heap in memory mode.
 */
export const DEFAULT_MAX_RETAINED_MESSAGES = 100_000;
export const DEFAULT_MAX_RETAINED_BYTES = 256 * 1024 * 1024;

/**
 * Largest HTTP request body read into memory. A 4 MiB message body plus XML markup and some
 * escaping fits; anything bigger is refused before it is buffered.
 */
export const MAX_REQUEST_BODY_BYTES = 5 * 1024 * 1024;
