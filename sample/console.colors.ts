/**
 * Colours in the console only for a person at a terminal: never when stdout is piped or
 * redirected (log files, CI, `kubectl logs`), nor when NO_COLOR is set (https://no-color.org).
 * Nest's ConsoleLogger itself only looks at NO_COLOR, so the sample decides for it.
 */
export function consoleColors(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}
