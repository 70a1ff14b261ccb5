import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLI_PORT } from '../config/emulator.defaults.js';
import { EmulatorConfigFileError, loadEmulatorConfigFile } from '../config/config-file.load.js';
import { EmulatorOptionsError } from '../config/emulator-options.validate.js';
import { startEmulator } from '../emulator.js';
import type { EmulatorOptions, RunningEmulator } from '../emulator.types.js';
import { CLI_HELP, CliUsageError, parseCliArgs } from './cli.args.js';
import { formatBanner, formatQuietLine } from './cli.banner.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit status for command-line and configuration mistakes. */
export const EXIT_USAGE = 2;

export type CliResult = { exitCode: number } | { running: RunningEmulator };

/**
 * Runs the CLI up to a listening emulator (or a finished --help/--version/error). Signals and the
 * process exit belong to the caller (main.ts), so this stays testable in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof CliUsageError) return usageError(io, err.message);
    throw err;
  }
  if (command.kind === 'help') {
    io.stdout(CLI_HELP);
    return { exitCode: 0 };
  }
  if (command.kind === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return { exitCode: 0 };
  }

  let options: EmulatorOptions = command.options;
  if (command.configFile !== undefined) {
    try {
      options = mergeOptions(loadEmulatorConfigFile(command.configFile), command.options);
    } catch (err) {
      if (err instanceof EmulatorConfigFileError) return usageError(io, err.message);
      throw err;
    }
  }
  options.port ??= DEFAULT_CLI_PORT;
  const { quiet, verbose } = command;
  // --quiet: the emulator does not even build the per-request lines (logLevel 'warn'). Without a
  // flag, a config file's logLevel holds.
  options.logLevel = quiet ? 'warn' : verbose ? 'debug' : (options.logLevel ?? 'info');
  options.logger = (line) => {
    if (line.startsWith('[warn]')) io.stderr(`${line}\n`);
    else io.stdout(`${line}\n`);
  };

  let running: RunningEmulator;
  try {
    running = await startEmulator(options);
  } catch (err) {
    if (err instanceof EmulatorOptionsError) return usageError(io, err.message);
    io.stderr(`aliyun-mq-emulator: ${(err as Error).message}\n`);
    return { exitCode: 1 };
  }
  io.stdout(
    quiet ? formatQuietLine(running, options) : formatBanner(packageVersion(), running, options),
  );
  return { running };
}

/** File values first, flags on top; timings are merged key by key. */
function mergeOptions(file: EmulatorOptions, flags: EmulatorOptions): EmulatorOptions {
  const merged: EmulatorOptions = { ...file, ...flags };
  if (file.timings !== undefined || flags.timings !== undefined) {
    merged.timings = { ...file.timings, ...flags.timings };
  }
  if (file.faults !== undefined || flags.faults !== undefined) {
    // Rules add up (the file's first); a seed given as a flag wins.
    const seed = flags.faults?.seed ?? file.faults?.seed;
    merged.faults = {
      ...(seed !== undefined ? { seed } : {}),
      rules: [...(file.faults?.rules ?? []), ...(flags.faults?.rules ?? [])],
    };
  }
  return merged;
}

function usageError(io: CliIo, message: string): CliResult {
  io.stderr(`aliyun-mq-emulator: ${message}\nRun aliyun-mq-emulator --help for the options.\n`);
  return { exitCode: EXIT_USAGE };
}

/** The package version, found by walking up from this file (works from lib/ and from dist/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nestjs-aliyun-mq' && pkg.version !== undefined) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
