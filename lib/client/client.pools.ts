/**
 * The two undici pools of an MQClient and their bounded close. Two pools, because a consume's long
 * poll holds its socket for up to 30 s and publish / ack / commit / rollback must never queue
 * behind it.
 */
import { Pool } from 'undici';
import { MQAbortError } from './client.errors.js';
import type { ResolvedClientOptions } from './client.options.js';
import type { DeadlineWatch } from './deadline.watch.js';

/**
 * After close(), how long past the last in-flight call's deadline the publish pool may take to
 * wind down before it is destroyed (the watch has already settled every call by then).
 */
const CLOSE_GRACE_MS = 100;

export interface ClientPools {
  /** publish / ack / commit / rollback: short calls that must never queue behind long polls. */
  pool: Pool;
  /** consume: each long poll holds a socket for up to 30 s. */
  pollPool: Pool;
}

/** Pool settings every client of this package uses (the MQ HTTP client, the ONS client). */
export function poolOptions(o: { keepAliveTimeoutMs: number; requestTimeoutMs: number }) {
  return {
    pipelining: 1,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    // Never keep an idle socket longer than asked, whatever the server's Keep-Alive hint says.
    keepAliveMaxTimeout: o.keepAliveTimeoutMs,
    connect: { timeout: o.requestTimeoutMs },
    headersTimeout: o.requestTimeoutMs,
    bodyTimeout: o.requestTimeoutMs,
  };
}

export function createPools(endpoint: string, o: ResolvedClientOptions): ClientPools {
  const common = poolOptions(o);
  return {
    pool: new Pool(endpoint, { ...common, connections: o.connections }),
    pollPool: new Pool(endpoint, { ...common, connections: o.pollConnections }),
  };
}

/**
 * Pending polls are cut at once (MQAbortError). The publish pool may finish its calls, each until
 * its own deadline at the latest (`deadlines` settles them with MQTimeoutError), then whatever is
 * left is destroyed: bounded whatever the server does.
 */
export async function closePools(
  pool: Pool,
  pollPool: Pool,
  deadlines: DeadlineWatch,
): Promise<void> {
  const polls = pollPool
    .destroy(new MQAbortError('consume: client closed while the poll was pending'))
    .catch(() => undefined);
  const cutoffAt = (deadlines.latestDeadline() ?? performance.now()) + CLOSE_GRACE_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    pool.close().then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, cutoffAt - performance.now()), false);
    }),
  ]);
  clearTimeout(timer);
  // Past every deadline: what undici still holds (e.g. a request queued behind a stalled
  // socket, already settled by its deadline) goes with the pool.
  if (!closed) {
    await pool
      .destroy(new MQAbortError('client closed past the last call deadline'))
      .catch(() => undefined);
  }
  await polls;
}
