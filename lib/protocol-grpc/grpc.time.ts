/** google.protobuf.Duration and Timestamp ↔ milliseconds. */
import type { Duration, Timestamp } from './grpc.types.js';

const MAX_NANOS = 999_999_999;

/**
 * Milliseconds of a Duration (nanos truncated to whole ms), or undefined when the message is absent
 * or not a valid Duration (non-finite, nanos out of range, signs that disagree).
 */
export function durationToMs(d: Duration | null | undefined): number | undefined {
  if (d === null || d === undefined) return undefined;
  const seconds = Number(d.seconds ?? 0);
  const nanos = Number(d.nanos ?? 0);
  if (!Number.isSafeInteger(seconds) || !Number.isInteger(nanos) || Math.abs(nanos) > MAX_NANOS) {
    return undefined;
  }
  if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) return undefined;
  return seconds * 1000 + Math.trunc(nanos / 1_000_000);
}

/** A Duration of `ms` milliseconds (sub-ms fractions dropped). */
export function msToDuration(ms: number): { seconds: number; nanos: number } {
  const whole = Math.trunc(ms);
  const seconds = Math.trunc(whole / 1000);
  return { seconds, nanos: (whole - seconds * 1000) * 1_000_000 };
}

/** Epoch ms of a Timestamp, or undefined when absent or invalid. */
export function timestampToMs(t: Timestamp | null | undefined): number | undefined {
  if (t === null || t === undefined) return undefined;
  const seconds = Number(t.seconds ?? 0);
  const nanos = Number(t.nanos ?? 0);
  if (
    !Number.isSafeInteger(seconds) ||
    !Number.isInteger(nanos) ||
    nanos < 0 ||
    nanos > MAX_NANOS
  ) {
    return undefined;
  }
  return seconds * 1000 + Math.floor(nanos / 1_000_000);
}

/** A Timestamp of an epoch time in ms. */
export function msToTimestamp(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.min(MAX_NANOS, Math.floor((ms - seconds * 1000) * 1_000_000)) };
}
