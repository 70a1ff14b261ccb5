/**
 * Micro-benchmark of what the console's tap costs the broker's hot path: publish, consume and ack
 * of every message (batches of 16) on an in-memory broker, without an observer (console off)
 * and with the console's ActivityTap (history, counters) as observer.
 *   npx tsc -p tsconfig.build.json && node dist/bench/tools/console-tap.micro.js
 * Prints CPU µs per message (process CPU time, median of 9 alternating rounds after a warm-up,
 * so that load from other processes matters less). For comparing on one machine, not absolute
 * truths.
 */
import { ActivityTap } from '../../lib/emulator/activity/activity.tap.js';
import { Broker } from '../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../lib/emulator/clock/clock.js';
import { DEFAULT_TIMINGS } from '../../lib/emulator/config/emulator.defaults.js';

const MESSAGES = 20_000;
const BODY = '{"orderId":"o-1","amount":42,"customer":"c-7"}';

async function cycle(withTap: boolean): Promise<number> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const tap = withTap ? new ActivityTap(clock) : undefined;
  const broker = new Broker({
    clock,
    timings: { ...DEFAULT_TIMINGS },
    autoCreate: true,
    ...(tap !== undefined ? { observer: tap.observe } : {}),
  });
  const properties = new Map([['KEYS', 'o-1']]);
  const started = process.cpuUsage();
  for (let i = 0; i < MESSAGES; i++) {
    broker.publish('', 'bench', { body: BODY, tag: 'created', properties });
  }
  for (;;) {
    const got = await broker.consume(
      { ns: '', topic: 'bench', group: 'G', kind: 'normal', max: 16 },
      0,
    );
    if (got.length === 0) break;
    broker.ack(
      '',
      'bench',
      'G',
      got.map((m) => m.receiptHandle),
    );
  }
  const used = process.cpuUsage(started);
  await broker.close();
  return (used.user + used.system) / MESSAGES;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

await cycle(false);
await cycle(true);
const offs: number[] = [];
const ons: number[] = [];
for (let round = 0; round < 9; round++) {
  offs.push(await cycle(false));
  ons.push(await cycle(true));
}
const off = median(offs);
const on = median(ons);
console.log(`publish + consume + ack, console off: ${off.toFixed(2)} µs CPU/message`);
console.log(`publish + consume + ack, console on:  ${on.toFixed(2)} µs CPU/message`);
console.log(
  `tap cost: ${(on - off).toFixed(2)} µs/message (${((on / off - 1) * 100).toFixed(0)} %)`,
);
