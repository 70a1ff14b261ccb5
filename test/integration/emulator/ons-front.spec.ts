/**
 * The emulator's ONS (2017) front driven with raw bytes in the exact shape of the service's Python
 * samples: absolute-form request-targets with a foreign Host, the samples' header spellings, the
 * handle pasted raw into the DELETE query, keep-alive connections reused as `httplib` does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../../lib/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../lib/emulator/index.js';
import {
  consumeBytes,
  deleteBytes,
  publishBytes,
  requestBytes,
  sampleTime,
} from './ons-raw.helper.js';
import type { OnsMessage, SampleConfig } from './ons-raw.helper.js';
import { ResponseReader } from './raw-http.helper.js';
import type { RawResponse } from './raw-http.helper.js';

/** One kept-alive connection, like the samples' `httplib.HTTPConnection`. */
class Connection {
  readonly writeErrors: Error[] = [];
  private constructor(private readonly reader: ResponseReader) {}

  static open(endpoint: string): Promise<Connection> {
    const url = new URL(endpoint);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      socket.once('connect', () => resolve(new Connection(new ResponseReader(socket))));
      socket.once('error', reject);
    });
  }

  /** Writes the whole request (as httplib does), then reads the answer. */
  request(bytes: Buffer): Promise<RawResponse> {
    this.reader.socket.write(bytes, (err) => {
      if (err) this.writeErrors.push(err);
    });
    return this.reader.next();
  }

  get closed(): boolean {
    return this.reader.socket.destroyed || this.reader.socket.readableEnded;
  }

  close(): void {
    this.reader.socket.destroy();
  }
}

async function once(endpoint: string, bytes: Buffer): Promise<RawResponse> {
  const c = await Connection.open(endpoint);
  try {
    return await c.request(bytes);
  } finally {
    c.close();
  }
}

function useEmulator(options: EmulatorOptions = {}): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual', ...options });
  });
  afterAll(() => emulator?.stop());
  return () => emulator!;
}

function config(topic: string, over: Partial<SampleConfig> = {}): SampleConfig {
  return {
    // The samples' public test cluster: the request line and Host name it, the socket goes to us.
    url: 'http://publictest-rest.ons.aliyun.com',
    topic,
    ak: 'emulator',
    sk: 'emulator-secret',
    pid: 'PID_legacy',
    cid: 'CID_legacy',
    ...over,
  };
}

const json = (res: RawResponse): unknown => JSON.parse(res.body);

function expectOnsError(res: RawResponse, status: number, code: string): { info: string } {
  expect({ status: res.status, code: (json(res) as { code: string }).code }).toEqual({
    status,
    code,
  });
  expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
  return json(res) as { info: string };
}

describe('ONS front: the samples, byte for byte', () => {
  const emulator = useEmulator();

  it('publishes, consumes and deletes on one kept-alive connection (absolute form, foreign Host)', async () => {
    const c = config('TP_samples');
    const conn = await Connection.open(emulator().endpoint);
    try {
      const published = await conn.request(publishBytes(c));
      expect(published.status).toBe(201);
      expect(published.headers['content-type']).toBe('application/json;charset=UTF-8');
      const doc = json(published) as { msgId: string; sendStatus: string };
      expect(doc).toEqual({
        msgId: expect.stringMatching(/^[0-9A-F]{32}$/),
        sendStatus: 'SEND_OK',
      });
      // The other sample spells the header `ProducerId`; HTTP header names are case-insensitive.
      expect((await conn.request(publishBytes(c, { producerHeader: 'ProducerId' }))).status).toBe(
        201,
      );

      const consumed = await conn.request(consumeBytes(c));
      expect(consumed.status).toBe(200);
      const messages = json(consumed) as OnsMessage[];
      expect(messages).toHaveLength(2);
      for (const m of messages) {
        // The JSON types the old clients saw.
        expect(m).toEqual({
          body: '中文',
          bornTime: String(emulator().admin.now()),
          key: 'http',
          msgHandle: expect.any(String),
          msgId: expect.stringMatching(/^[0-9A-F]{32}$/),
          reconsumeTimes: 0,
          tag: 'http',
        });
        // Survives being pasted raw into a query and signed raw: nothing a decoder would change.
        expect(m.msgHandle).toMatch(/^[A-Za-z0-9_-]+$/);
      }
      expect(messages[0]!.msgId).toBe(doc.msgId);

      for (const m of messages) {
        const deleted = await conn.request(deleteBytes(c, m.msgHandle));
        expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 204, body: '' });
      }
      const empty = await conn.request(consumeBytes(c));
      expect({ status: empty.status, body: empty.body }).toEqual({ status: 200, body: '[]' });
      expect(conn.writeErrors).toEqual([]);
    } finally {
      conn.close();
    }
  });

  it('accepts origin-form targets and any content type', async () => {
    const c = config('TP_origin');
    const published = await once(
      emulator().endpoint,
      publishBytes(c, {
        originForm: true,
        contentType: 'text/plain;charset=UTF-8',
        extraQuery: '',
      }),
    );
    expect(published.status).toBe(201);
    const consumed = await once(emulator().endpoint, consumeBytes(c, { originForm: true }));
    expect(json(consumed)).toEqual([
      expect.objectContaining({ body: '中文', tag: '', key: '', reconsumeTimes: 0 }),
    ]);
  });

  it('reads the whole CJK body before answering BODY_TOO_BIG, by bytes, and keeps the connection', async () => {
    const c = config('TP_big');
    // 21 846 characters, 65 538 bytes: over 64 KB in bytes while far under it in characters.
    const big = Buffer.from('中'.repeat(21_846), 'utf8');
    expect(big.length).toBeGreaterThan(65_536);
    const conn = await Connection.open(emulator().endpoint);
    try {
      const refused = await conn.request(publishBytes(c, { body: big }));
      expect(expectOnsError(refused, 400, 'BODY_TOO_BIG').info).toBe(
        'Message body size exceeds the upper limit of 64KB',
      );
      // The whole body was read: the same connection carries the next request, and the write
      // of the big request never failed (no EPIPE, no reset).
      const limit = Buffer.concat([Buffer.from('中'.repeat(21_845), 'utf8'), Buffer.from('a')]);
      expect(limit.length).toBe(65_536);
      const accepted = await conn.request(publishBytes(c, { body: limit }));
      expect(accepted.status).toBe(201);
      expect(conn.writeErrors).toEqual([]);
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
    const [stored] = emulator().admin.peek({ topic: 'TP_big' });
    expect(Buffer.byteLength(stored!.body, 'utf8')).toBe(65_536);
  });

  it('refuses an announced oversized body before it is sent when the client expects 100-continue', async () => {
    const c = config('TP_big');
    const bytes = publishBytes(c, {
      body: Buffer.alloc(70_000, 'a'),
      extraHeaders: [['Expect', '100-continue']],
    });
    const headEnd = bytes.indexOf('\r\n\r\n') + 4;
    const res = await once(emulator().endpoint, bytes.subarray(0, headEnd));
    expectOnsError(res, 400, 'BODY_TOO_BIG');
    expect(res.headers.connection).toBe('close');
  });

  it('answers 403 for a bad signature, a stale or future time and an unknown AccessKey', async () => {
    const c = config('TP_auth');
    const endpoint = emulator().endpoint;
    expectOnsError(
      await once(endpoint, publishBytes(c, { signature: 'dFPGSJzsl/vFRwyDndNgFY3Z1Tw=' })),
      403,
      'SIGNATURE_INVALID',
    );
    // Signed with another secret.
    expectOnsError(
      await once(endpoint, consumeBytes({ ...c, sk: 'not-the-secret' })),
      403,
      'SIGNATURE_INVALID',
    );
    // Correctly signed, but the time is a minute old (or ahead): the window is 15 s of real time.
    expectOnsError(
      await once(endpoint, consumeBytes(c, { time: sampleTime(-60_000) })),
      403,
      'TIME_EXPIRED',
    );
    expectOnsError(
      await once(endpoint, publishBytes(c, { time: sampleTime(60_000) })),
      403,
      'TIME_EXPIRED',
    );
    expectOnsError(
      await once(endpoint, consumeBytes({ ...c, ak: 'nobody' })),
      403,
      'ACCESS_KEY_INVALID',
    );
    // The virtual clock does not matter: moving it by a day changes nothing for a fresh request.
    emulator().admin.advance(86_400_000);
    expect((await once(endpoint, consumeBytes(c))).status).toBe(200);
    expect(emulator().admin.peek({ topic: 'TP_auth' })).toEqual([]);
  });

  it('answers 400 with the service\u2019s wording for missing parameters and headers', async () => {
    const endpoint = emulator().endpoint;
    const time = sampleTime();
    const unsigned = requestBytes('GET', `http://h/message/?topic=T&time=${time}`, [
      ['AccessKey', 'emulator'],
      ['ConsumerID', 'CID_legacy'],
    ]);
    expect(expectOnsError(await once(endpoint, unsigned), 400, 'SC_BAD_REQUEST').info).toBe(
      'parameter:Signature is invalid,can not be null or empty',
    );
    const noConsumer = requestBytes('GET', `http://h/message/?topic=T&time=${time}`, [
      ['Signature', 'x'],
      ['AccessKey', 'emulator'],
    ]);
    expect(expectOnsError(await once(endpoint, noConsumer), 400, 'SC_BAD_REQUEST').info).toBe(
      'parameter:ConsumerID is invalid,can not be null or empty',
    );
    const noTopic = requestBytes('GET', `http://h/message/?time=${time}`, [['ConsumerID', 'C']]);
    expect(expectOnsError(await once(endpoint, noTopic), 400, 'SC_BAD_REQUEST').info).toBe(
      'parameter:topic is invalid,can not be null or empty',
    );
    const noHandle = requestBytes('DELETE', `http://h/message/?topic=T&time=${time}`, [
      ['ConsumerID', 'C'],
    ]);
    expect(expectOnsError(await once(endpoint, noHandle), 400, 'SC_BAD_REQUEST').info).toBe(
      'parameter:msgHandle is invalid,can not be null or empty',
    );
    const put = requestBytes('PUT', '/message/?topic=T', [], Buffer.from('x'));
    expectOnsError(await once(endpoint, put), 400, 'SC_BAD_REQUEST');
    // A topic the cloud cannot have is not created.
    expectOnsError(
      await once(endpoint, consumeBytes(config('bad%20topic'))),
      400,
      'TOPIC_NOT_EXIST',
    );
  });

  it.each([
    ['num=0', { num: '0' }],
    ['num=33', { num: '33' }],
    ['num=abc', { num: 'abc' }],
  ])('refuses %s', async (_name, options) => {
    const res = await once(emulator().endpoint, consumeBytes(config('TP_num'), options));
    expect(expectOnsError(res, 400, 'SC_BAD_REQUEST').info).toContain('parameter:num');
  });

  it('hands out up to num messages at once (32 takes two broker batches)', async () => {
    const c = config('TP_many');
    const conn = await Connection.open(emulator().endpoint);
    try {
      for (let i = 0; i < 40; i++) {
        const body = Buffer.from(`m${i}`);
        expect((await conn.request(publishBytes(c, { body }))).status).toBe(201);
      }
      const five = json(await conn.request(consumeBytes(c, { num: '5' }))) as OnsMessage[];
      expect(five.map((m) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      const rest = json(await conn.request(consumeBytes(c))) as OnsMessage[];
      expect(rest).toHaveLength(32);
      const last = json(await conn.request(consumeBytes(c))) as OnsMessage[];
      expect(last).toHaveLength(3);
    } finally {
      conn.close();
    }
  });

  it('redelivers an undeleted message with reconsumeTimes + 1; its old handle is then stale', async () => {
    const c = config('TP_redeliver');
    const endpoint = emulator().endpoint;
    expect((await once(endpoint, publishBytes(c))).status).toBe(201);
    const [first] = json(await once(endpoint, consumeBytes(c))) as OnsMessage[];
    expect(first!.reconsumeTimes).toBe(0);
    expect(json(await once(endpoint, consumeBytes(c)))).toEqual([]); // invisible
    emulator().admin.advance(300_000);
    const [second] = json(await once(endpoint, consumeBytes(c))) as OnsMessage[];
    expect(second).toEqual({ ...first, msgHandle: expect.any(String), reconsumeTimes: 1 });
    expect(second!.msgHandle).not.toBe(first!.msgHandle);
    expectOnsError(
      await once(endpoint, deleteBytes(c, first!.msgHandle)),
      400,
      'MSG_HANDLE_EXPIRED',
    );
    expectOnsError(await once(endpoint, deleteBytes(c, 'NOT-A-HANDLE')), 400, 'MSG_HANDLE_INVALID');
    // Another ConsumerID cannot delete this group's delivery.
    expectOnsError(
      await once(endpoint, deleteBytes({ ...c, cid: 'CID_other' }, second!.msgHandle)),
      400,
      'MSG_HANDLE_EXPIRED',
    );
    expect((await once(endpoint, deleteBytes(c, second!.msgHandle))).status).toBe(204);
    emulator().admin.advance(300_000);
    expect(json(await once(endpoint, consumeBytes(c)))).toEqual([]);
  });

  it('refuses bodies the broker cannot store as text, and an empty body', async () => {
    const c = config('TP_bytes');
    const endpoint = emulator().endpoint;
    const binary = await once(endpoint, publishBytes(c, { body: Buffer.from([0xff, 0xfe, 0x00]) }));
    expect(expectOnsError(binary, 400, 'SC_BAD_REQUEST').info).toBe(
      'The message body is not UTF-8 text',
    );
    const control = await once(endpoint, publishBytes(c, { body: Buffer.from('a\u0001b') }));
    expectOnsError(control, 400, 'SC_BAD_REQUEST');
    const empty = await once(endpoint, publishBytes(c, { body: Buffer.alloc(0) }));
    expect(expectOnsError(empty, 400, 'SC_BAD_REQUEST').info).toBe(
      'parameter:body is invalid,can not be null or empty',
    );
    const longKey = await once(
      endpoint,
      publishBytes(c, { extraQuery: `&key=${'k'.repeat(129)}` }),
    );
    expect(expectOnsError(longKey, 400, 'SC_BAD_REQUEST').info).toContain('parameter:key');
  });

  it('supports the manual\u2019s timer and ordered publishes', async () => {
    const c = config('TP_timer');
    const endpoint = emulator().endpoint;
    const at = emulator().admin.now() + 60_000;
    const timer = await once(
      endpoint,
      publishBytes(c, { extraQuery: `&startdelivertime=${at}&timeout=3000` }),
    );
    expect(timer.status).toBe(201);
    expect(json(await once(endpoint, consumeBytes(c)))).toEqual([]);
    emulator().admin.advance(60_000);
    expect(json(await once(endpoint, consumeBytes(c)))).toHaveLength(1);

    const ordered = config('TP_ordered');
    const noKey = await once(
      endpoint,
      publishBytes(ordered, { extraHeaders: [['isOrder', 'true']] }),
    );
    expect(expectOnsError(noKey, 400, 'SC_BAD_REQUEST').info).toBe(
      'parameter:shardingKey is invalid,can not be null or empty',
    );
    const withKey = await once(
      endpoint,
      publishBytes(ordered, {
        extraHeaders: [
          ['isOrder', 'true'],
          ['shardingKey', 'order-7'],
        ],
      }),
    );
    expect(withKey.status).toBe(201);
    expect(emulator().admin.peek({ topic: 'TP_ordered' })[0]!.properties).toEqual(
      expect.objectContaining({ __SHARDINGKEY: 'order-7' }),
    );
    const badTimeout = await once(endpoint, publishBytes(c, { extraQuery: '&timeout=5000' }));
    expect(expectOnsError(badTimeout, 400, 'SC_BAD_REQUEST').info).toContain('parameter:timeout');
  });

  it('shows ONS traffic in the admin view, in the advertised instance', async () => {
    const c = config('TP_admin');
    await once(emulator().endpoint, publishBytes(c));
    await once(emulator().endpoint, consumeBytes(c));
    expect(emulator().admin.topics()).toContainEqual(
      expect.objectContaining({
        instanceId: emulator().instanceId,
        topic: 'TP_admin',
        messages: 1,
      }),
    );
    expect(emulator().admin.groups()).toContainEqual(
      expect.objectContaining({ topic: 'TP_admin', group: 'CID_legacy', inflight: 1 }),
    );
  });
});

describe('ONS front: vectors computed with the samples\u2019 Python signing code', () => {
  // A fixed time far in the past is only accepted with a wide window: `timings.onsMaxTimeSkewMs`.
  // Strict declarations so the same run also checks the strict-mode errors.
  const emulator = useEmulator({
    autoCreate: false,
    topics: [{ name: 'TP_legacy' }],
    groups: [{ id: 'PID_legacy' }, { id: 'CID_legacy' }],
    timings: { onsMaxTimeSkewMs: Number.MAX_SAFE_INTEGER },
  });
  const c = config('TP_legacy');
  const TIME = '1500000000000';

  // test/unit/protocol/fixtures/ons-signature-vectors.py printed these.
  it('accepts the hard-coded signatures (a wrong one is 403)', async () => {
    const endpoint = emulator().endpoint;
    const published = await once(
      endpoint,
      publishBytes(c, { time: TIME, signature: 'dFPGSJzsl/vFRwyDndNgFY3Z1Tw=' }),
    );
    expect(published.status).toBe(201);
    const consumed = await once(
      endpoint,
      consumeBytes(c, { time: TIME, signature: 'tH0biF8cpRnLUjwGuf+sdANWqgc=' }),
    );
    expect((json(consumed) as OnsMessage[]).map((m) => m.body)).toEqual(['中文']);
    // The vector's handle is not one of ours: past the signature check, it is an invalid handle.
    const deleted = await once(
      endpoint,
      deleteBytes(c, '0A021F7300002A9F0000000006531D6F-Ab_c-9z', {
        time: TIME,
        signature: 't5K/hfuW3tjklesj/PhD9KyDP0s=',
      }),
    );
    expectOnsError(deleted, 400, 'MSG_HANDLE_INVALID');
    const tampered = await once(
      endpoint,
      consumeBytes(c, { time: '1500000000001', signature: 'tH0biF8cpRnLUjwGuf+sdANWqgc=' }),
    );
    expectOnsError(tampered, 403, 'SIGNATURE_INVALID');
  });

  it('refuses undeclared topics and groups in strict mode', async () => {
    const endpoint = emulator().endpoint;
    expectOnsError(await once(endpoint, publishBytes(config('TP_other'))), 400, 'TOPIC_NOT_EXIST');
    expectOnsError(
      await once(endpoint, publishBytes({ ...c, pid: 'PID_other' })),
      400,
      'PRODUCER_ID_NOT_EXIST',
    );
    expectOnsError(
      await once(endpoint, consumeBytes({ ...c, cid: 'CID_other' })),
      400,
      'CONSUMER_ID_NOT_EXIST',
    );
  });
});

describe('ONS front: auth off and durability', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ons-durable-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts unsigned requests with auth off, and keeps ONS messages across a restart', async () => {
    const options: EmulatorOptions = { auth: 'off', dataDir: dir };
    let emulator = await startEmulator(options);
    try {
      const unsigned = requestBytes(
        'POST',
        `${emulator.endpoint}/message/?topic=TP_durable&tag=t`,
        [['ProducerID', 'PID_legacy']],
        Buffer.from('kept'),
      );
      expect((await once(emulator.endpoint, unsigned)).status).toBe(201);
    } finally {
      await emulator.stop();
    }
    emulator = await startEmulator(options);
    try {
      const get = requestBytes('GET', '/message/?topic=TP_durable', [['ConsumerID', 'CID_legacy']]);
      const [m] = json(await once(emulator.endpoint, get)) as OnsMessage[];
      expect({ body: m!.body, tag: m!.tag }).toEqual({ body: 'kept', tag: 't' });
    } finally {
      await emulator.stop();
    }
  });
});
