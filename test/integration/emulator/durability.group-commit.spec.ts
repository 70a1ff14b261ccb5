/**
 * Group commit in --data-dir mode (lib/emulator/store/group.commit.ts): the MQ HTTP front's writes
 * of one event-loop turn go to the OS together, and no answer leaves before the bytes it vouches
 * for. Checked with the real stores on a real directory: writes kept while deferred, order kept
 * when another front writes meanwhile, a kept body readable at once, a failed body write keeping
 * its events out of the log; and end to end, every 201 and 204 of a concurrent load finds its
 * event (and body) already in the files when the client reads the answer.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { BodyStore } from '../../../lib/emulator/store/body.store.js';
import { DiskBodyStore } from '../../../lib/emulator/store/disk-body.store.js';
import { GroupCommit } from '../../../lib/emulator/store/group.commit.js';
import { LogStore } from '../../../lib/emulator/store/log.store.js';
import type { BrokerEvent } from '../../../lib/emulator/store/store.js';
import {
  buildPublishRequest,
  buildReceiptHandles,
  parseConsumeResponse,
  parsePublishResponse,
} from '../../../lib/protocol/index.js';

const event = (id: string): BrokerEvent => ({ t: 'drop', ns: '', topic: 't', id });

describe('group commit of the durable stores', () => {
  let dir: string;
  const closing: Array<{ close(): void }> = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  });
  afterEach(() => {
    for (const c of closing.splice(0)) c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const logText = (): string => readFileSync(join(dir, 'events.log'), 'utf8');
  const segmentText = (): string =>
    readdirSync(join(dir, 'bodies'))
      .map((f) => readFileSync(join(dir, 'bodies', f), 'utf8'))
      .join('');
  const stores = () => {
    const store = new LogStore(dir);
    const bodies = new DiskBodyStore(dir);
    closing.push(bodies, store);
    return { store, bodies, commits: new GroupCommit(store, bodies) };
  };

  it('keeps deferred writes until the flush, then writes them in order before releasing answers', async () => {
    const { store, bodies, commits } = stores();
    const released: string[] = [];
    commits.deferred(() => {
      bodies.put('body-one');
      store.append(event('one'));
      store.append(event('two'));
    });
    expect(commits.pending).toBe(true);
    commits.atTurnEnd((error) => {
      expect(error).toBeUndefined();
      // By the time an answer may go out, its bytes are in the files.
      expect(logText()).toContain('"id":"two"');
      expect(segmentText()).toContain('body-one');
      released.push('first answer');
    });
    expect(released).toEqual([]);
    expect(segmentText()).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toEqual(['first answer']);
    expect(
      logText()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).id),
    ).toEqual(['one', 'two']);
    // Nothing kept: the next answer still waits for the end of the turn (answers go in batches).
    commits.atTurnEnd((error) => released.push(`second answer, error ${String(error)}`));
    expect(released).toEqual(['first answer']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toEqual(['first answer', 'second answer, error undefined']);
  });

  it('a write outside deferral first writes what is kept, so the log keeps the order', () => {
    const { store, commits } = stores();
    commits.deferred(() => store.append(event('deferred')));
    store.append(event('direct'));
    expect(commits.pending).toBe(false);
    expect(
      logText()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).id),
    ).toEqual(['deferred', 'direct']);
  });

  it('a kept body reads back at once (it is written out first), and compaction and close flush', () => {
    const { store, bodies, commits } = stores();
    const ref = commits.deferred(() => bodies.put('read me now'));
    expect(bodies.read(ref)).toBe('read me now');
    commits.deferred(() => store.append(event('before-compaction')));
    store.compact([event('live')]);
    expect(logText()).toBe(`${JSON.stringify(event('live'))}\n`);
    commits.deferred(() => store.append(event('at-close')));
    store.close();
    expect(logText()).toContain('"id":"at-close"');
  });

  it('when the bodies cannot be written, their events stay out of the log and the answers are told', () => {
    const store = new LogStore(dir);
    closing.push(store);
    // The one fake here: a body store whose disk fails (a real one cannot be made to fail on demand).
    const disk = new DiskBodyStore(dir);
    closing.push(disk);
    const failing: BodyStore = Object.assign(Object.create(disk) as DiskBodyStore, {
      flush(): void {
        if (!disk.hasPending) return;
        disk.discard();
        throw new Error('ENOSPC: no space left on device');
      },
    });
    const commits = new GroupCommit(store, failing);
    commits.deferred(() => {
      failing.put('lost');
      store.append(event('points-at-lost'));
    });
    const errors: unknown[] = [];
    commits.atTurnEnd((error) => errors.push(error));
    commits.flush();
    expect(errors).toEqual([new Error('ENOSPC: no space left on device')]);
    expect(store.hasPending).toBe(false);
    store.append(event('later'));
    expect(logText()).not.toContain('points-at-lost');
    expect(logText()).toContain('"id":"later"');
  });

  it('end to end: every 201 and 204 finds its event and body in the files when it arrives', async () => {
    const emulator = await startEmulator({ auth: 'off', dataDir: dir });
    const pool = new Pool(emulator.endpoint, { connections: 16 });
    try {
      const post = async (body: string): Promise<string> => {
        const res = await pool.request({
          method: 'POST',
          path: '/topics/gc/messages',
          headers: { 'content-type': 'text/xml;charset=utf-8' },
          body: buildPublishRequest({ body }),
        });
        const text = await res.body.text();
        expect(res.statusCode).toBe(201);
        const { messageId } = parsePublishResponse(text);
        // Read synchronously as the answer arrives: nothing may be pending for it.
        expect(logText()).toContain(`"id":"${messageId}"`);
        expect(segmentText()).toContain(body);
        return messageId;
      };
      const ids = await Promise.all(Array.from({ length: 64 }, (_, i) => post(`gc-body-${i}`)));
      expect(new Set(ids).size).toBe(64);

      const res = await pool.request({
        method: 'GET',
        path: '/topics/gc/messages?consumer=GID_gc&numOfMessages=16',
      });
      const messages = parseConsumeResponse(await res.body.text());
      expect(messages).toHaveLength(16);
      const acked = await pool.request({
        method: 'DELETE',
        path: '/topics/gc/messages?consumer=GID_gc',
        headers: { 'content-type': 'text/xml;charset=utf-8' },
        body: buildReceiptHandles(messages.map((m) => m.receiptHandle)),
      });
      await acked.body.dump();
      expect(acked.statusCode).toBe(204);
      const ackLines = logText()
        .split('\n')
        .filter((l) => l.startsWith('{"t":"ack"'));
      expect(ackLines).toHaveLength(16);
    } finally {
      await pool.close();
      await emulator.stop();
    }
  });
});
