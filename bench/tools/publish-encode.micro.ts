/**
 * Micro-benchmark of the client's per-publish argument work: the unknown-key checks of the message
 * and of the call options, against the whole `encodePublish` they are part of.
 *   npx tsc -p tsconfig.build.json && node dist/bench/tools/publish-encode.micro.js
 * Prints ns per call (best of 5 rounds after a warm-up); compare on one machine only.
 */
import { checkKnownKeys } from '../../lib/client/client.validation.js';
import { encodePublish } from '../../lib/client/publish.encoder.js';

const INPUT_KEYS: ReadonlySet<string> = new Set([
  'body',
  'tag',
  'key',
  'properties',
  'deliverAt',
  'delayMs',
  'shardingKey',
  'transCheckImmunitySeconds',
]);
const CALL_KEYS: ReadonlySet<string> = new Set(['signal', 'instanceId']);

const plain = { body: '{"orderId":"o-1","amount":42,"customer":"c-7"}' };
const tagged = { body: plain.body, tag: 'created', key: 'o-1', properties: { color: 'red' } };
const callOptions = { signal: new AbortController().signal };
let sink = 0;

function bench(name: string, fn: () => unknown, calls: number): void {
  for (let i = 0; i < 20_000; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / calls);
  }
  console.log(name.padEnd(44), best.toFixed(1).padStart(8), 'ns');
}

const clock = Date.now;
bench('checkKnownKeys (1 key)', () => checkKnownKeys(plain, INPUT_KEYS, '', 'x'), 2_000_000);
bench('checkKnownKeys (4 keys)', () => checkKnownKeys(tagged, INPUT_KEYS, '', 'x'), 2_000_000);
bench('checkKnownKeys (call options)', () => checkKnownKeys(callOptions, CALL_KEYS, '', 'x'), 2e6);
bench('encodePublish (body only)', () => (sink += encodePublish(plain, clock).xml.length), 200_000);
bench('encodePublish (tag, key, property)', () => encodePublish(tagged, clock), 200_000);
if (sink < 0) console.log(sink);
