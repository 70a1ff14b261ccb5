#!/usr/bin/env node
/**
 * `aliyun-mq-emulator`: runs the emulator until SIGINT/SIGTERM, then closes the server and the
 * store and exits 0. A second signal exits at once.
 */
import { runCli } from './cli.run.js';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};

async function main(): Promise<void> {
  const result = await runCli(process.argv.slice(2), io);
  if ('exitCode' in result) {
    process.exitCode = result.exitCode;
    return;
  }
  const { running } = result;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      io.stderr(`aliyun-mq-emulator: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        io.stderr(`aliyun-mq-emulator: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err: unknown) => {
  io.stderr(`aliyun-mq-emulator: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
