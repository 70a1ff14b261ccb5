/**
 * The emulator's log: one text line per event, handed to the user's `logger` option with a level
 * prefix. Without a logger, or below the `logLevel` option, a call is a no-op and callers skip
 * building lines (`enabled`: info lines, e.g. one per request, are wanted). Nothing logged ever
 * contains a secret or an Authorization header.
 */
export interface EmulatorLog {
  /** Info (and possibly debug) lines reach the logger: worth building. */
  readonly enabled: boolean;
  info(line: string): void;
  warn(line: string): void;
  debug(line: string): void;
}

export function createEmulatorLog(
  logger?: (line: string) => void,
  level: 'warn' | 'info' | 'debug' = 'debug',
): EmulatorLog {
  const noop = (): void => undefined;
  if (logger === undefined) return { enabled: false, info: noop, warn: noop, debug: noop };
  const emit = (level: string, line: string): void => {
    try {
      logger(`[${level}] ${line}`);
    } catch {
      // A throwing logger must never break request handling.
    }
  };
  return {
    enabled: level !== 'warn',
    info: level === 'warn' ? noop : (line) => emit('info', line),
    warn: (line) => emit('warn', line),
    debug: level === 'debug' ? (line) => emit('debug', line) : noop,
  };
}

/** A failure as a log line shows it: its stack when it has one. */
export function describeFault(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
