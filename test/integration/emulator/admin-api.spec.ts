/** The JSON admin API under /_emulator/ (never signed) and the in-process EmulatorAdmin. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmulatorAdminError, startEmulator } from '../../../lib/emulator/index.js';
import type { EmulatorMessageView, RunningEmulator } from '../../../lib/emulator/index.js';
import { sendRaw, signedRequestBytes } from './raw-http.helper.js';

const NS = 'MQ_INST_emulator';
const START = Date.UTC(2026, 0, 1);

describe('emulator admin API', () => {
  let emulator: RunningEmulator;
  let host: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      clock: 'virtual',
      startTime: START,
      timings: { invisibilityMs: 1_000, maxRetries: 1 },
    });
    host = new URL(emulator.endpoint).host;
  });
  afterAll(() => emulator.stop());

  const admin = async (
    path: string,
    init?: { method?: string; body?: string },
  ): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${emulator.endpoint}/_emulator/${path}`, {
      method: init?.method ?? 'GET',
      ...(init?.body !== undefined
        ? { body: init.body, headers: { 'content-type': 'application/json' } }
        : {}),
    });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return { status: res.status, json: await res.json() };
  };
  const mq = (method: string, target: string, body?: string) =>
    sendRaw(
      emulator.endpoint,
      signedRequestBytes(
        { ...emulator.credentials, method, target, ...(body !== undefined ? { body } : {}) },
        host,
      ),
    );
  const publish = (topic: string, body: string) =>
    mq(
      'POST',
      `/topics/${topic}/messages?ns=${NS}`,
      `<Message><MessageBody>${body}</MessageBody></Message>`,
    );
  const consume = (topic: string, group: string) =>
    mq('GET', `/topics/${topic}/messages?consumer=${group}&ns=${NS}&numOfMessages=16`);

  it('reports health without any signature', async () => {
    const { status, json } = await admin('health');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      status: 'ok',
      endpoint: emulator.endpoint,
      instanceId: NS,
      clock: 'virtual',
      auth: 'strict',
      now: START,
      longPolls: 0,
    });
  });

  it('lists topics and groups with ready / inflight counts', async () => {
    await publish('stats', 'one');
    await publish('stats', 'two');
    expect((await consume('stats', 'GID_stats')).status).toBe(200);
    const topics = (await admin('topics')).json as {
      topic: string;
      instanceId: string;
      messages: number;
    }[];
    expect(topics.find((t) => t.topic === 'stats')).toMatchObject({ instanceId: NS, messages: 2 });
    const groups = (await admin('groups')).json as { topic: string; group: string }[];
    expect(groups.find((g) => g.topic === 'stats' && g.group === 'GID_stats')).toMatchObject({
      instanceId: NS,
      ready: 0,
      inflight: 2,
      delayed: 0,
      deadLetter: 0,
    });
  });

  it('peeks without side effects, filtered by group, state and limit', async () => {
    await publish('peek', 'a');
    await publish('peek', 'b');
    const first = (await admin('peek?topic=peek')).json as EmulatorMessageView[];
    expect(first.map((m) => m.body).sort()).toEqual(['a', 'b']);
    expect(first.every((m) => m.consumedTimes === 0)).toBe(true);
    expect((await admin('peek?topic=peek&limit=1')).json).toHaveLength(1);
    // Peeking twice changes nothing: the first real consume is still delivery number 1.
    await admin('peek?topic=peek');
    const consumed = await consume('peek', 'GID_peek');
    expect(consumed.body.match(/<ConsumedTimes>1<\/ConsumedTimes>/g)).toHaveLength(2);
    const inflight = (await admin('peek?topic=peek&group=GID_peek&state=inflight'))
      .json as EmulatorMessageView[];
    expect(inflight).toHaveLength(2);
    expect(inflight[0]).toMatchObject({ state: 'inflight', group: 'GID_peek', consumedTimes: 1 });
    expect(inflight[0]!.nextConsumeTime).toBe(emulator.admin.now() + 1_000);
    expect((await admin('peek?topic=peek&group=GID_peek&state=ready')).json).toEqual([]);
    // Same view in-process; instanceId defaults to the emulator's own instance.
    expect(emulator.admin.peek({ topic: 'peek', group: 'GID_peek' })).toHaveLength(2);
    expect(emulator.admin.peek({ topic: 'peek', instanceId: '' })).toEqual([]);
  });

  it('shows dead letters after the retry limit', async () => {
    await publish('dlq', 'poison');
    for (
      let i = 0;
      i < 5 && (await admin('deadletters?topic=dlq&group=GID_dlq')).json.length === 0;
      i++
    ) {
      await consume('dlq', 'GID_dlq');
      emulator.admin.advance(1_000);
    }
    const dead = (await admin('deadletters?topic=dlq&group=GID_dlq')).json as EmulatorMessageView[];
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ body: 'poison', state: 'deadletter', group: 'GID_dlq' });
    expect(emulator.admin.deadLetters({ topic: 'dlq', group: 'GID_dlq' })).toHaveLength(1);
  });

  it('reads and moves the virtual clock', async () => {
    const now = emulator.admin.now();
    expect((await admin('clock')).json).toEqual({ now, mode: 'virtual' });
    expect((await admin('clock', { method: 'POST', body: '{"advanceMs":1500}' })).json).toEqual({
      now: now + 1_500,
      mode: 'virtual',
    });
    const target = now + 10_000;
    expect(
      (await admin('clock', { method: 'POST', body: JSON.stringify({ time: target }) })).json.now,
    ).toBe(target);
    const backwards = await admin('clock', { method: 'POST', body: JSON.stringify({ time: now }) });
    expect(backwards.status).toBe(409);
    expect(backwards.json.error.message).toContain('backwards');
    expect(emulator.admin.now()).toBe(target);
  });

  it.each([
    ['clock', 'POST', '{"advanceMs":1,"time":2}', 400],
    ['clock', 'POST', '{}', 400],
    ['clock', 'POST', '{"advanceMs":-5}', 400],
    ['clock', 'POST', '{"advanceMs":"5"}', 400],
    ['clock', 'POST', '{"speed":2}', 400],
    ['clock', 'POST', 'not json', 400],
    ['clock', 'DELETE', undefined, 405],
    ['peek', 'GET', undefined, 400],
    ['peek?topic=x&state=weird', 'GET', undefined, 400],
    ['peek?topic=x&limit=0', 'GET', undefined, 400],
    ['deadletters?topic=x', 'GET', undefined, 400],
    ['reset', 'GET', undefined, 405],
    ['nothing-here', 'GET', undefined, 404],
  ])('%s %s %s → %i JSON error', async (path, method, body, status) => {
    const res = await admin(path, { method, ...(body !== undefined ? { body } : {}) });
    expect(res.status).toBe(status);
    expect(typeof res.json.error.code).toBe('string');
    expect(typeof res.json.error.message).toBe('string');
  });

  it('resets messages but keeps resources', async () => {
    await publish('reset', 'gone soon');
    expect((await admin('reset', { method: 'POST' })).json).toEqual({ reset: true });
    expect((await admin('peek?topic=reset')).json).toEqual([]);
    expect(
      ((await admin('topics')).json as { topic: string }[]).some((t) => t.topic === 'reset'),
    ).toBe(true);
  });

  it('refuses to move a real clock, with a clear error', async () => {
    const real = await startEmulator();
    try {
      expect(() => real.admin.advance(1_000)).toThrow(EmulatorAdminError);
      expect(() => real.admin.advance(1_000)).toThrow(/virtual clock/);
      expect(() => real.admin.setTime(Date.now() + 1_000)).toThrow(/virtual clock/);
      const res = await fetch(`${real.endpoint}/_emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"advanceMs":1}',
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /virtual clock/,
      );
    } finally {
      await real.stop();
    }
  });

  it('validates in-process clock moves', () => {
    expect(() => emulator.admin.advance(-1)).toThrow(/advance/);
    expect(() => emulator.admin.advance(Number.NaN)).toThrow(/advance/);
    expect(() => emulator.admin.setTime(emulator.admin.now() - 1)).toThrow(/backwards/);
  });
});
