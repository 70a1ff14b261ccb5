/**
 * Message bodies on disk in --data-dir mode: out of the heap (the broker keeps a position), read
 * back on delivery and after a restart, shared by dead letters, reclaimed with their segment once
 * nothing references it, and moved out of a log written before bodies lived on disk.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../lib/emulator/broker/broker.js';
import { VirtualClock } from '../../../lib/emulator/clock/clock.js';
import { isDiskBody } from '../../../lib/emulator/store/body.store.js';
import { DiskBodyStore } from '../../../lib/emulator/store/disk-body.store.js';
import { LogStore } from '../../../lib/emulator/store/log.store.js';
import { DEFAULT_TIMINGS, T0 } from '../../unit/emulator/broker.fixture.js';

describe('message bodies on disk', () => {
  let dir: string;
  const opened: Broker[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bodies-'));
  });
  afterEach(async () => {
    for (const b of opened.splice(0)) await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (
    options: { segmentBytes?: number; maxRetainedMessages?: number; maxRetries?: number } = {},
  ) => {
    const clock = new VirtualClock(T0);
    const broker = new Broker({
      clock,
      timings: { ...DEFAULT_TIMINGS, maxRetries: options.maxRetries ?? 288 },
      autoCreate: true,
      store: new LogStore(dir),
      bodies: new DiskBodyStore(dir, options.segmentBytes),
      ...(options.maxRetainedMessages !== undefined
        ? { maxRetainedMessages: options.maxRetainedMessages }
        : {}),
    });
    opened.push(broker);
    return { broker, clock };
  };
  const publish = (broker: Broker, body: string, topic = 't') =>
    broker.publish('', topic, { body, properties: new Map() });
  const consume = (broker: Broker, group = 'G', max = 16) =>
    broker.consume({ ns: '', topic: 't', group, kind: 'normal', max }, 0);
  const held = (broker: Broker) => [...broker.topics.get('\nt')!.messages.values()];
  const close = async (broker: Broker) => {
    opened.splice(opened.indexOf(broker), 1);
    await broker.close();
  };
  const segments = () => readdirSync(join(dir, 'bodies')).filter((f) => f.endsWith('.seg'));

  it('keeps a position, not the body, and reads it back on delivery and after a restart', async () => {
    const first = open();
    const body = 'order 42 & more — ünïcode ✓';
    const { bodyMd5 } = publish(first.broker, body);
    const [m] = held(first.broker);
    expect(isDiskBody(m!.body)).toBe(true);
    expect(readFileSync(join(dir, 'events.log'), 'utf8')).not.toContain('order 42');
    expect((await consume(first.broker))[0]).toMatchObject({ body, bodyMd5 });
    await close(first.broker);

    const second = open();
    const [again] = held(second.broker);
    expect(isDiskBody(again!.body)).toBe(true);
    expect(again!.bodyMd5).toBe(bodyMd5);
    second.clock.advance(DEFAULT_TIMINGS.invisibilityMs);
    expect((await consume(second.broker))[0]).toMatchObject({ body, consumedTimes: 2 });
    expect(second.broker.admin.peek({ topic: 't' })[0]?.body).toBe(body);
  });

  it('deletes a segment once no message or dead letter references it', async () => {
    const { broker } = open({ segmentBytes: 64, maxRetainedMessages: 4 });
    await consume(broker);
    for (let i = 0; i < 40; i++) {
      publish(broker, `message number ${i} with some padding`);
      for (const m of await consume(broker)) broker.ack('', 't', 'G', [m.receiptHandle]);
    }
    // 40 bodies of ~36 bytes in 64-byte segments: ~40 segments written, only the last few kept.
    expect(broker.retention()).toMatchObject({ messages: 4, evictedFinished: 36 });
    expect(segments().length).toBeLessThanOrEqual(5);
  });

  it('lets dead letters keep their body after the message is gone, across a restart', async () => {
    const first = open({ maxRetries: 0 });
    publish(first.broker, 'poison');
    await consume(first.broker);
    first.clock.advance(DEFAULT_TIMINGS.invisibilityMs); // expiry: dead-lettered (0 retries)
    await consume(first.broker);
    first.clock.advance(DEFAULT_TIMINGS.retentionMs); // retention ends: the message is dropped
    await consume(first.broker);
    expect(held(first.broker)).toEqual([]);
    expect(first.broker.admin.deadLetters({ topic: 't', group: 'G' })[0]?.body).toBe('poison');
    await close(first.broker);

    const second = open({ maxRetries: 0 });
    expect(second.broker.admin.deadLetters({ topic: 't', group: 'G' })[0]?.body).toBe('poison');
    expect(segments().length).toBe(1);
  });

  it('moves bodies of a log written before bodies lived on disk out of the heap', async () => {
    const pub = {
      t: 'pub',
      ns: '',
      topic: 't',
      id: '0123456789ABCDEF0123456789ABCDEF',
      body: 'inline from an old log',
      at: T0,
    };
    writeFileSync(join(dir, 'events.log'), `${JSON.stringify(pub)}\n`);
    const first = open();
    const [m] = held(first.broker);
    expect(isDiskBody(m!.body)).toBe(true);
    const log = readFileSync(join(dir, 'events.log'), 'utf8');
    expect(log).toContain('"bref"');
    expect(log).not.toContain('inline from an old log');
    expect((await consume(first.broker))[0]?.body).toBe('inline from an old log');
  });
});
