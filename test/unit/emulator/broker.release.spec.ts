/**
 * Broker.release: deliveries whose answer never reached the client are ready again at once, their
 * attempt not counted (normal, orderly and transaction-check deliveries), also across a restart.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogStore } from '../../../lib/emulator/store/log.store.js';
import { harness, T0 } from './broker.fixture.js';

describe('Broker.release', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('puts a normal delivery back: next delivery is attempt 1 again, first consume time new', async () => {
    const h = harness();
    h.publish('orders', 'a');
    const [first] = await h.consume('G');
    h.clock.advance(1_000);
    expect(h.broker.release([first!.receiptHandle])).toBe(1);
    expect(h.broker.admin.groups()[0]).toMatchObject({ ready: 1, inflight: 0 });
    const [again] = await h.consume('G');
    expect(again).toMatchObject({ consumedTimes: 1, firstConsumeTime: T0 + 1_000, body: 'a' });
    // The released handle is spent.
    expect(h.broker.ack('', 'orders', 'G', [first!.receiptHandle])[0]?.code).toBe(
      'MessageNotExist',
    );
  });

  it('keeps the count of earlier attempts', async () => {
    const h = harness({ timings: { invisibilityMs: 1_000 } });
    h.publish('orders', 'a');
    await h.consume('G');
    h.clock.advance(1_000);
    const [second] = await h.consume('G');
    expect(second?.consumedTimes).toBe(2);
    h.broker.release([second!.receiptHandle]);
    const [third] = await h.consume('G');
    expect(third).toMatchObject({ consumedTimes: 2, firstConsumeTime: T0 });
  });

  it('wakes a parked poll of the group with the released message', async () => {
    const h = harness();
    h.publish('orders', 'a');
    const [m] = await h.consume('G');
    const parked = h.consume('G', { wait: 10_000 });
    h.broker.release([m!.receiptHandle]);
    expect((await parked).map((x) => x.body)).toEqual(['a']);
  });

  it('unlocks an orderly partition and redelivers its messages in order', async () => {
    const h = harness();
    for (const body of ['1', '2', '3']) {
      h.publish('orders', body, { props: { __SHARDINGKEY: 'k' } });
    }
    const batch = await h.consume('G', { kind: 'orderly', max: 2 });
    expect(batch.map((m) => m.body)).toEqual(['1', '2']);
    expect(await h.consume('G', { kind: 'orderly' })).toEqual([]);
    expect(h.broker.release(batch.map((m) => m.receiptHandle))).toBe(2);
    const again = await h.consume('G', { kind: 'orderly' });
    expect(again.map((m) => [m.body, m.consumedTimes])).toEqual([
      ['1', 1],
      ['2', 1],
    ]);
  });

  it('offers a half message for checking again; ignores publish handles and unknown handles', async () => {
    const h = harness();
    const published = h.broker.publish('', 'tx', {
      body: 'half',
      properties: new Map([['__TransCheckT', '10']]),
    });
    expect(h.broker.release([published.receiptHandle!, 'garbage', 'AB-cd'])).toBe(0);
    h.clock.advance(10_000);
    const [check] = await h.consume('G', { topic: 'tx', kind: 'half' });
    expect(check?.consumedTimes).toBe(1);
    expect(h.broker.release([check!.receiptHandle])).toBe(1);
    const [again] = await h.consume('G', { topic: 'tx', kind: 'half' });
    expect(again?.consumedTimes).toBe(1);
  });

  it('survives a restart: the released message is ready, not in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'release-'));
    dirs.push(dir);
    const first = harness({ store: new LogStore(dir) });
    first.publish('orders', 'a');
    const [m] = await first.consume('G');
    first.broker.release([m!.receiptHandle]);
    await first.broker.close();

    const second = harness({ store: new LogStore(dir) });
    expect(second.broker.admin.groups()[0]).toMatchObject({ ready: 1, inflight: 0 });
    const [again] = await second.consume('G');
    expect(again?.consumedTimes).toBe(1);
    await second.broker.close();
  });
});
