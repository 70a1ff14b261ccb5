/**
 * Child process: a TCP proxy that delays every chunk by a fixed time in each direction, to put a
 * network round trip between a client and the emulator (a cloud endpoint is milliseconds away, the
 * local emulator microseconds). Usage:
 *   node latency.proxy.js --target http://127.0.0.1:PORT --delay-ms 2
 * Equal delays keep chunks in order: timers of one duration fire in the order they were set.
 */
import { connect, createServer, type Socket } from 'node:net';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

const target = new URL(arg('--target') ?? '');
const delayMs = Number(arg('--delay-ms'));
if (!/^https?:$/.test(target.protocol) || !Number.isInteger(delayMs) || delayMs < 1) {
  process.stderr.write(
    'latency proxy: --target http://host:port and --delay-ms <integer >= 1> are required\n',
  );
  process.exit(2);
}

/** Forwards `from` to `to`, each chunk `delayMs` later; an end or error is forwarded after the data. */
function pipeDelayed(from: Socket, to: Socket): void {
  from.on('data', (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => setTimeout(() => to.destroy(), delayMs));
  from.on('close', () => setTimeout(() => to.destroy(), delayMs + 1));
}

const server = createServer((client) => {
  const upstream = connect(Number(target.port), target.hostname);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  pipeDelayed(client, upstream);
  pipeDelayed(upstream, client);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('latency proxy: no port');
  process.stdout.write(
    `latency proxy (${delayMs} ms each way) listening on http://127.0.0.1:${address.port}\n`,
  );
});
const stop = (): void => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
