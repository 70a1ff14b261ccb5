/**
 * The admin endpoints the console uses (overview, consumers, search, a message's life, actions,
 * the live stream), the console's static files and the `GET /` pointer, over real HTTP with the
 * real client producing and consuming.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MQClient } from '../../../lib/client/index.js';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { expectErrorDocument } from './error-document.helper.js';
import { sendRaw } from './raw-http.helper.js';

const START = Date.UTC(2026, 0, 1);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('emulator admin API for the console', () => {
  let emulator: RunningEmulator;
  let client: MQClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      clock: 'virtual',
      startTime: START,
      timings: { invisibilityMs: 60_000, maxRetries: 0 },
    });
    client = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
      userAgent: 'console-spec/1.0',
    });
  });
  afterAll(async () => {
    await client.close();
    await emulator.stop();
  });

  const admin = async (
    path: string,
    init?: { method?: string; body?: unknown },
  ): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${emulator.endpoint}/_emulator/${path}`, {
      method: init?.method ?? 'GET',
      ...(init?.body !== undefined
        ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    return { status: res.status, json: await res.json() };
  };

  it('tells a message’s life: deliveries with handles, expiry, dead letter, resend, ack, trace id', async () => {
    const { messageId } = await client.publish('life', {
      body: '{"order":7}',
      tag: 'created',
      key: 'order-7',
      properties: { traceparent: TRACEPARENT },
    });
    const [first] = await client.consume('life', 'GID_life');
    await admin('clock', { method: 'POST', body: { advanceMs: 60_000 } });
    expect(await client.consume('life', 'GID_life')).toEqual([]); // dead-lettered (maxRetries 0)

    const resend = await admin('deadletters/resend', {
      method: 'POST',
      body: { topic: 'life', group: 'GID_life' },
    });
    expect(resend).toEqual({ status: 200, json: { resent: [messageId], failed: [] } });
    const [again] = await client.consume('life', 'GID_life');
    expect(again!.consumedTimes).toBe(1);

    const inflight = await admin(`messages/${messageId}`);
    expect(inflight.status).toBe(200);
    expect(inflight.json.views).toEqual([
      expect.objectContaining({
        group: 'GID_life',
        state: 'inflight',
        receiptHandle: again!.receiptHandle,
        nextConsumeTime: START + 120_000,
      }),
    ]);
    await client.ack('life', 'GID_life', [again!.receiptHandle]);

    const { json: life } = await admin(`messages/${messageId}`);
    expect(life).toMatchObject({
      messageId,
      instanceId: emulator.instanceId,
      topic: 'life',
      tag: 'created',
      key: 'order-7',
      body: '{"order":7}',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      state: 'live',
      recorded: true,
    });
    expect(life.views[0]).toMatchObject({ group: 'GID_life', state: 'acked' });
    expect(life.timeline.map((e: any) => e.kind)).toEqual([
      'published',
      'delivered',
      'expired',
      'deadLettered',
      'resent',
      'delivered',
      'acked',
    ]);
    expect(life.timeline[1]).toMatchObject({
      group: 'GID_life',
      attempt: 1,
      receiptHandle: first!.receiptHandle,
    });
  });

  it('searches by id, key and tag, and remembers messages the broker dropped', async () => {
    const a = await client.publish('search', { body: 'a', tag: 'blue', key: 'k-1 k-2' });
    const b = await client.publish('search', { body: 'b', tag: 'blue' });
    const byKey = (await admin('search?q=k-2')).json;
    expect(byKey).toEqual([
      expect.objectContaining({ messageId: a.messageId, matched: 'key', key: 'k-1 k-2' }),
    ]);
    const byTag = (await admin('search?q=blue&topic=search')).json;
    expect(byTag.map((m: any) => m.messageId)).toEqual([a.messageId, b.messageId]);
    const byId = (await admin(`search?q=${b.messageId}`)).json;
    expect(byId).toEqual([expect.objectContaining({ messageId: b.messageId, matched: 'id' })]);
    expect((await admin('search?q=blue&limit=1')).json).toHaveLength(1);

    expect(
      (await admin('topics/purge', { method: 'POST', body: { topic: 'search' } })).json,
    ).toEqual({ purged: 2 });
    const gone = (await admin('search?q=blue')).json;
    expect(gone.map((m: any) => [m.messageId, m.state])).toEqual([
      [a.messageId, 'gone'],
      [b.messageId, 'gone'],
    ]);
    const life = (await admin(`messages/${a.messageId}`)).json;
    expect(life.state).toBe('gone');
    expect(life.body).toBeUndefined();
    expect(life.timeline.map((e: any) => e.kind)).toEqual(['published', 'purged']);
    expect((await admin('messages/NOSUCHMESSAGE')).status).toBe(404);
    expect((await admin('search')).status).toBe(400);
  });

  it('sends test messages with tag, key, properties and delay, and validates them', async () => {
    const sent = await admin('messages', {
      method: 'POST',
      body: {
        topic: 'sent',
        body: 'hello',
        tag: 'T',
        key: 'K',
        properties: { color: 'red' },
        delayMs: 30_000,
      },
    });
    expect(sent.status).toBe(201);
    const [view] = (await admin('peek?topic=sent')).json;
    expect(view).toMatchObject({
      messageId: sent.json.messageId,
      state: 'delayed',
      tag: 'T',
      properties: { color: 'red', KEYS: 'K', __STARTDELIVERTIME: String(START + 60_000 + 30_000) },
    });
    for (const [body, code] of [
      [{ topic: 'sent' }, 'BadRequest'],
      [{ topic: 'sent', body: 'x', properties: { 'a|b': 'c' } }, 'BadRequest'],
      [{ topic: 'sent', body: 'x', delayMs: -1 }, 'BadRequest'],
      [{ topic: 'sent', body: 'x', bogus: 1 }, 'BadRequest'],
      [{ topic: 'sent', body: 'x', delayMs: 41 * 86_400_000 }, 'InvalidArgument'],
    ] as const) {
      const res = await admin('messages', { method: 'POST', body });
      expect([res.status, res.json.error.code]).toEqual([400, code]);
    }
  });

  it('purges dead letters; unknown topics and groups are 404', async () => {
    const { messageId } = await client.publish('dlq', { body: 'x' });
    await client.consume('dlq', 'GID_dlq');
    await admin('clock', { method: 'POST', body: { advanceMs: 60_000 } });
    await client.consume('dlq', 'GID_dlq');
    expect((await admin('deadletters?topic=dlq&group=GID_dlq')).json).toHaveLength(1);
    const purged = await admin('deadletters/purge', {
      method: 'POST',
      body: { topic: 'dlq', group: 'GID_dlq', messageIds: [messageId] },
    });
    expect(purged.json).toEqual({ purged: 1 });
    expect((await admin('deadletters?topic=dlq&group=GID_dlq')).json).toEqual([]);
    const missing = await admin('deadletters/purge', {
      method: 'POST',
      body: { topic: 'dlq', group: 'GID_nobody' },
    });
    expect([missing.status, missing.json.error.code]).toEqual([404, 'SubscriptionNotExist']);
    const noTopic = await admin('topics/purge', { method: 'POST', body: { topic: 'never' } });
    expect([noTopic.status, noTopic.json.error.code]).toEqual([404, 'TopicNotExist']);
  });

  it('lists consumers seen (protocol, client, agent, last poll, parked polls) and an overview', async () => {
    const parked = client.consume('seen', 'GID_seen', { waitSeconds: 5 });
    let consumers: any[] = [];
    for (let i = 0; i < 100 && consumers.every((c) => c.group !== 'GID_seen'); i++) {
      consumers = (await admin('consumers')).json;
      if (consumers.every((c) => c.group !== 'GID_seen'))
        await new Promise((r) => setTimeout(r, 10));
    }
    expect(consumers.find((c) => c.group === 'GID_seen')).toMatchObject({
      protocol: 'http',
      clientId: expect.stringMatching(/127\.0\.0\.1/),
      agent: expect.stringMatching(/ console-spec\/1\.0$/),
      instanceId: emulator.instanceId,
      topic: 'seen',
      waiting: 1,
    });
    await client.publish('seen', { body: 'wake' });
    expect(await parked).toHaveLength(1);

    const { json: overview } = await admin('overview');
    expect(overview).toMatchObject({
      clock: 'virtual',
      instanceId: emulator.instanceId,
      totals: expect.objectContaining({ published: expect.any(Number) }),
      rates: { intervalMs: 1000, publish: expect.any(Array), ack: expect.any(Array) },
      history: expect.objectContaining({ maxEvents: 50_000 }),
    });
    expect(overview.groups).toContainEqual(
      expect.objectContaining({ topic: 'seen', group: 'GID_seen', inflight: 1 }),
    );
    expect(overview.consumers.find((c: any) => c.group === 'GID_seen').waiting).toBe(0);
  });

  it('streams changes as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${emulator.endpoint}/_emulator/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (pattern: RegExp): Promise<void> => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += value;
      }
    };
    await until(/event: hello\n/);
    const { messageId } = await client.publish('stream', { body: 'live' });
    await until(/event: change\ndata: .*\n\n/);
    const change = JSON.parse(/event: change\ndata: (.*)\n/.exec(text)![1]!);
    expect(change.events).toContainEqual({
      kind: 'published',
      instanceId: emulator.instanceId,
      topic: 'stream',
      messageId,
    });
    expect(change.totals.published).toBeGreaterThan(0);
    controller.abort();
  });

  it('serves the console page with a strict CSP, its files, and a redirect for /ui', async () => {
    const page = await fetch(`${emulator.endpoint}/_emulator/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toMatch(/<script type="module" src="console.app.js">/);
    const script = await fetch(`${emulator.endpoint}/_emulator/ui/console.app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = script.headers.get('etag')!;
    const cached = await fetch(`${emulator.endpoint}/_emulator/ui/console.app.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
    const redirect = await fetch(`${emulator.endpoint}/_emulator/ui`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/_emulator/ui/']);
    for (const path of ['ui/../admin.http.ts', 'ui/nope.js', 'ui/%2e%2e/emulator.ts']) {
      expect((await fetch(`${emulator.endpoint}/_emulator/${path}`)).status).toBe(404);
    }
  });

  it('answers GET / with a pointer (page or JSON) and keeps the XML errors elsewhere', async () => {
    const json = await fetch(`${emulator.endpoint}/`);
    expect(await json.json()).toMatchObject({
      console: '/_emulator/ui/',
      admin: '/_emulator/health',
      endpoints: { http: `${emulator.endpoint}/topics/{topic}/messages` },
    });
    const html = await fetch(`${emulator.endpoint}/`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toMatch(/href="\/_emulator\/ui\/"/);
    const post = await sendRaw(
      emulator.endpoint,
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`,
    );
    expect(expectErrorDocument(post, emulator.endpoint).code).toBe('InvalidRequestURL');
  });
});

describe('emulator with the console turned off', () => {
  it('serves no console, stream or history; the admin API and actions stay', async () => {
    const emulator = await startEmulator({ console: false });
    const client = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
    try {
      expect(emulator.consoleUrl).toBeUndefined();
      for (const path of ['ui/', 'events']) {
        expect((await fetch(`${emulator.endpoint}/_emulator/${path}`)).status).toBe(404);
      }
      const { messageId } = await client.publish('off', { body: 'x' });
      await client.consume('off', 'GID_off');
      const life: any = await (
        await fetch(`${emulator.endpoint}/_emulator/messages/${messageId}`)
      ).json();
      expect(life).toMatchObject({ recorded: false, state: 'live', body: 'x' });
      expect(life.timeline).toEqual([{ at: expect.any(Number), kind: 'published' }]);
      const overview = await (await fetch(`${emulator.endpoint}/_emulator/overview`)).json();
      expect(overview).toMatchObject({ totals: null, rates: null, consumers: [] });
      expect(await (await fetch(`${emulator.endpoint}/`)).json()).toMatchObject({ console: null });
    } finally {
      await client.close();
      await emulator.stop();
    }
  });
});
