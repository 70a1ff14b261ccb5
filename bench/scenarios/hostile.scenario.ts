/**
 * Scenario 5b: hostile input. A fresh emulator child gets, several times over, requests built to
 * cost memory or time: a 4.8 MiB publish of 1.25 M empty elements, 400 k repeated leaves, a
 * million nested elements, 480 k roots, an ack of 150 000 handles, an 8 MiB body; and,
 * meanwhile, slow connections (a header line now and then: slowloris), bare request lines, garbage.
 * Figures: the peak RSS of the emulator against its RSS at rest, how many requests got the XML
 * error document (not a dropped connection), and how many slow connections the server closed.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { presign } from '../clients/presigned.request.js';
import { names, type BenchContext } from '../harness/bench.context.js';
import { MemoryWatch } from '../harness/memory.watch.js';
import { processRssBytes } from '../harness/proc.stats.js';
import type { ResultRow, TargetCheck } from '../harness/report.types.js';
import { startEmulatorChild } from '../harness/servers.js';

const MIB = 2 ** 20;
/** How long slow connections are given to be closed by the server (its header timeout). */
const SLOW_CLOSE_WAIT_MS = 15_000;

interface Hostile {
  name: string;
  method: 'POST' | 'DELETE';
  query: string;
  body: string;
}

function hostileRequests(): Hostile[] {
  const publish = (name: string, body: string): Hostile => ({
    name,
    method: 'POST',
    query: '',
    body,
  });
  return [
    publish(
      '1.25 M empty elements (4.8 MiB)',
      `<Message><MessageBody>x</MessageBody>${'<e/>'.repeat(1_250_000)}</Message>`,
    ),
    publish('400 k repeated leaves', `<Message>${'<MessageTag/>'.repeat(400_000)}</Message>`),
    publish(
      '1.2 M nested elements',
      `<Message><MessageBody>${'<a>'.repeat(1_200_000)}</MessageBody></Message>`,
    ),
    publish('480 k roots', '<Message/>'.repeat(480_000)),
    publish('8 MiB body', `<Message><MessageBody>${'x'.repeat(8 * MIB)}</MessageBody></Message>`),
    {
      name: 'ack of 150 k handles',
      method: 'DELETE',
      query: '?consumer=GID_hostile',
      body: `<ReceiptHandles>${'<ReceiptHandle>x-y</ReceiptHandle>'.repeat(150_000)}</ReceiptHandles>`,
    },
  ];
}

type SlowKind = 'slowloris' | 'bare line' | 'garbage';
const SLOW_KINDS: SlowKind[] = ['slowloris', 'bare line', 'garbage'];

/**
 * A connection that never completes a request: a request line then one header line per second
 * (slowloris), a bare `GET /` and nothing else, or a garbage request line.
 */
function slowConnection(
  endpoint: string,
  kind: SlowKind,
): Promise<{ closed: Promise<void>; socket: Socket }> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      if (kind === 'garbage') socket.write('\u0000\u0001 garbage \u00ff\r\n\r\n');
      else if (kind === 'bare line') socket.write('GET /');
      else socket.write(`GET /topics/t/messages HTTP/1.1\r\nHost: ${url.host}\r\n`);
      if (kind !== 'slowloris') return;
      const timer = setInterval(() => socket.write(`X-Slow-${Date.now()}: 1\r\n`), 1_000);
      socket.once('close', () => clearInterval(timer));
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.resume();
    resolve({ closed, socket });
  });
}

export async function runHostileScenario(
  ctx: BenchContext,
): Promise<{ rows: ResultRow[]; targets: TargetCheck[] }> {
  const { rounds, concurrency, slowConnections } = ctx.config.hostile;
  const { topic } = names('hostile');
  const emulator = await startEmulatorChild();
  const pool = new Pool(emulator.endpoint, { connections: concurrency, keepAliveTimeout: 60_000 });
  const requests = hostileRequests();
  let rows: ResultRow[];
  const slow: { closed: Promise<void>; socket: Socket }[] = [];
  try {
    await sleep(500);
    const restRss = processRssBytes(emulator.pid);
    const watch = new MemoryWatch(emulator.pid, undefined, 20);
    // Phase 1: connections that never complete a request; the server must close them itself.
    for (let i = 0; i < slowConnections; i++) {
      slow.push(await slowConnection(emulator.endpoint, SLOW_KINDS[i % SLOW_KINDS.length]!));
    }
    let closedCount = 0;
    for (const s of slow) void s.closed.then(() => closedCount++);
    await Promise.race([Promise.all(slow.map((s) => s.closed)), sleep(SLOW_CLOSE_WAIT_MS)]);
    const slowClosed = closedCount;
    for (const s of slow) s.socket.destroy();

    // Phase 2: hostile documents.
    let sent = 0;
    let errorDocuments = 0;
    let dropped = 0;
    // Answered with anything but the XML error document (a hostile publish stored, for instance).
    let accepted = 0;
    const started = performance.now();
    const queue = Array.from({ length: rounds }, () => requests).flat();
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const signed = presign(
          next.method,
          `/topics/${topic}/messages${next.query}`,
          ctx.credentials,
          next.body,
        );
        sent++;
        try {
          const res = await pool.request({
            method: signed.method,
            path: signed.path,
            headers: signed.headers,
            body: signed.body,
          });
          const text = await res.body.text();
          if (res.statusCode >= 400 && res.statusCode < 500 && text.includes('<Code>')) {
            errorDocuments++;
          } else {
            accepted++;
          }
        } catch {
          dropped++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    watch.stop();
    rows = [
      {
        id: 'hostile.peak-rss',
        section: 'hostile',
        label: 'Emulator peak RSS during hostile requests',
        value: watch.peakRss / MIB,
        unit: 'MiB',
        detail:
          `at rest ${(restRss / MIB).toFixed(0)} MiB; ${sent} requests (${requests.length} kinds × ${rounds}, c=${concurrency}) in ` +
          `${seconds.toFixed(1)} s; XML error answered: ${errorDocuments}, accepted: ${accepted}, connection dropped: ${dropped}`,
      },
      {
        id: 'hostile.slow-closed',
        section: 'hostile',
        label: `Slow connections closed by the server within ${SLOW_CLOSE_WAIT_MS / 1000} s`,
        value: slowClosed,
        unit: `of ${slowConnections}`,
        detail:
          'a third each: a header line every second (slowloris), a bare `GET /` and nothing else, a garbage request line',
      },
    ];
  } finally {
    for (const s of slow) s.socket.destroy();
    await pool.close();
    await emulator.stop();
  }
  ctx.log(`hostile: peak RSS ${rows[0]!.value.toFixed(0)} MiB, ${rows[0]!.detail}`);
  return { rows, targets: [] };
}
