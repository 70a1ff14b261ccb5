/**
 * The emulator's log: one text line per event, handed to the user's `logger` option with a level
 * prefix. Without a logger every call is a no-op and callers can skip building lines (`enabled`).
 * Nothing logged ever contains a secret or an Authorization header.
 */
export interface EmulatorLog {
  readonly enabled: boolean;
  info(line: string): void;
  warn(line: string): void;
  debug(line: string): void;
}

export function createEmulatorLog(logger?: (line: string) => void): EmulatorLog {
  if (logger === undefined) {
    const noop = (): void => undefined;
    return { enabled: false, info: noop, warn: noop, debug: noop };
  }
  const emit = (level: string, line: string): void => {
    try {
      logger(`[${level}] ${line}`);
    } catch {
      // A throwing logger must never break request handling.
    }
  };
  return {
    enabled: true,
    info: (line) => emit('info', line),
    warn: (line) => emit('warn', line),
    debug: (line) => emit('debug', line),
  };
}
