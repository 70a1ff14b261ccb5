/** Fills a topic before a drain (not timed), with our client at high concurrency. */
import { MQClient } from '../../lib/client/index.js';
import type { BenchContext } from './bench.context.js';

export async function prefill(
  ctx: BenchContext,
  endpoint: string,
  topic: string,
  count: number,
  verbose = true,
  /** User properties of every message (e.g. a producer's trace context). */
  properties?: Record<string, string>,
): Promise<void> {
  const parallel = Math.min(ctx.config.prefillConcurrency, count);
  const client = new MQClient(endpoint, ctx.credentials, { connections: parallel });
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < count) {
          next++;
          await client.publish(
            topic,
            properties ? { body: ctx.config.body, properties } : { body: ctx.config.body },
          );
        }
      }),
    );
  } finally {
    await client.close();
  }
  if (!verbose) return;
  ctx.log(
    `prefilled ${count} messages into ${topic} in ${Math.round(performance.now() - started)} ms`,
  );
}
