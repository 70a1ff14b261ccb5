import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { EmulatorOptions } from '../emulator.types.js';
import { EmulatorOptionsError, resolveEmulatorOptions } from './emulator-options.validate.js';

/** A config file that cannot be read, parsed or validated; the message names the file. */
export class EmulatorConfigFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Config file ${file}: ${problem}`);
    this.name = 'EmulatorConfigFileError';
  }
}

/**
 * Reads a JSON config file holding any EmulatorOptions (except `logger`). A relative `dataDir` is
 * resolved against the file's folder, so the file means the same thing from any working directory.
 * The values are validated here too, so a mistake is reported against the file.
 */
export function loadEmulatorConfigFile(file: string): EmulatorOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EmulatorConfigFileError(
      file,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new EmulatorConfigFileError(file, `is not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EmulatorConfigFileError(file, 'must hold a JSON object of emulator options');
  }
  const options = parsed as Record<string, unknown>;
  if ('logger' in options)
    throw new EmulatorConfigFileError(file, '"logger" cannot be set in a file');
  if (
    typeof options.dataDir === 'string' &&
    options.dataDir !== '' &&
    !isAbsolute(options.dataDir)
  ) {
    options.dataDir = resolve(dirname(resolve(file)), options.dataDir);
  }
  try {
    resolveEmulatorOptions(options as EmulatorOptions);
  } catch (err) {
    if (err instanceof EmulatorOptionsError) throw new EmulatorConfigFileError(file, err.message);
    throw err;
  }
  return options as EmulatorOptions;
}
