// @ts-check
/** Formatting of times, durations and names for display. */

/**
 * Emulator times in UTC, to the millisecond (a virtual clock is often years away from now).
 * @param {number | undefined} ms
 */
export function formatTime(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/**
 * `in 4 min 59 s`, `3 s ago`.
 * @param {number} ms target time
 * @param {number} now
 */
export function relative(ms, now) {
  const d = ms - now;
  const text = duration(Math.abs(d));
  if (Math.abs(d) < 500) return 'now';
  return d > 0 ? `in ${text}` : `${text} ago`;
}

/** @param {number} ms */
export function duration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return m % 60 === 0 ? `${hours} h` : `${hours} h ${m % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** @param {string} instanceId */
export function instanceLabel(instanceId) {
  return instanceId === '' ? '(default instance)' : instanceId;
}

/** Human words for timeline and feed event kinds. */
/** @type {Record<string, string>} */
const KINDS = {
  published: 'Published',
  timerDue: 'Timer due (visible to consumers)',
  delivered: 'Delivered',
  expired: 'Not acknowledged in time (handle expired)',
  invisibilityChanged: 'Invisibility changed (new handle)',
  acked: 'Acknowledged',
  deadLettered: 'Moved to the dead-letter queue',
  resent: 'Resent from the dead-letter queue',
  deadLetterPurged: 'Dead letter purged',
  checked: 'Transaction check',
  committed: 'Committed',
  rolledBack: 'Rolled back',
  retentionEnded: 'Retention ended',
  purged: 'Purged with its topic',
  reset: 'Emulator reset',
};

/** @param {string} kind */
export function kindLabel(kind) {
  return KINDS[kind] ?? kind;
}

/**
 * A short preview of a body on one line.
 * @param {string} text
 * @param {number} max
 */
export function preview(text, max = 60) {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
