import { describe, expect, it } from '@jest/globals';
import { MQAbortError, MQInvalidArgumentError } from '../../../lib/client/index.js';
import {
  CHECK_ANSWER_WINDOW_MS,
  MAX_QUEUED_CHECKS,
  TransactionCheckQueue,
} from '../../../lib/client-grpc/transaction-checks.js';

function queue() {
  let now = 1_000_000;
  const drops: [string, number][] = [];
  const q = new TransactionCheckQueue<string>(
    (topic, count) => drops.push([topic, count]),
    () => now,
  );
  return { q, drops, tick: (ms: number) => (now += ms) };
}

describe('TransactionCheckQueue (checks pushed by the proxy, polled by checkers)', () => {
  it('hands a pushed check to a waiting poll, per topic', async () => {
    const { q } = queue();
    const waiting = q.take('a', 16, 60_000);
    q.push('b', 'tx-b', 'B');
    q.push('a', 'tx-a', 'A');
    expect((await waiting).map((c) => c.value)).toEqual(['A']);
    expect((await q.take('b', 16, 0)).map((c) => c.value)).toEqual(['B']);
  });

  it('keeps only the newest ask about a transaction, in arrival order, at most `max` per take', async () => {
    const { q } = queue();
    q.push('t', 'tx-1', 'first ask');
    q.push('t', 'tx-2', 'other');
    q.push('t', 'tx-1', 'second ask');
    expect((await q.take('t', 1, 0)).map((c) => c.value)).toEqual(['other']);
    expect((await q.take('t', 16, 0)).map((c) => c.value)).toEqual(['second ask']);
    expect(await q.take('t', 16, 0)).toEqual([]);
  });

  it('drops checks the proxy can no longer settle, and bounds what waits for a checker', async () => {
    const { q, drops, tick } = queue();
    q.push('t', 'old', 'old');
    tick(CHECK_ANSWER_WINDOW_MS + 1);
    q.push('t', 'new', 'new');
    expect(drops).toEqual([['t', 1]]);
    for (let i = 0; i < MAX_QUEUED_CHECKS + 5; i++) q.push('t', `tx-${i}`, `v${i}`);
    expect(drops.slice(1).reduce((n, [, c]) => n + c, 0)).toBe(6);
    expect(await q.take('t', 1_000, 0)).toHaveLength(MAX_QUEUED_CHECKS);
  });

  it('an aborted poll rejects MQAbortError; close() rejects waiting polls and later ones', async () => {
    const { q } = queue();
    const controller = new AbortController();
    const aborted = q.take('t', 1, 60_000, controller.signal);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(MQAbortError);
    const waiting = q.take('t', 1, 60_000);
    q.close();
    await expect(waiting).rejects.toBeInstanceOf(MQInvalidArgumentError);
    await expect(q.take('t', 1, 0)).rejects.toThrow('client is closed');
  });
});
