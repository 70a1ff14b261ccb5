/**
 * Managing fault rules from every place a user can: the admin API (the shapes the console relies
 * on), the config file, CLI flags, `startEmulator` options and the testing harness; and seeded
 * determinism over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MQClient, OnsHttpClient } from '../../../lib/client/index.js';
import { runCli } from '../../../lib/emulator/cli/cli.run.js';
import { loadEmulatorConfigFile } from '../../../lib/emulator/config/config-file.load.js';
import { EmulatorOptionsError, startEmulator } from '../../../lib/emulator/index.js';
import type { RunningEmulator } from '../../../lib/emulator/index.js';
import { MQProducer } from '../../../lib/index.js';
import { createMQTestingModule } from '../../../lib/testing/index.js';
import { RawGrpc } from './grpc-raw.helper.js';

const dir = mkdtempSync(join(tmpdir(), 'faults-mgmt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function json(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emulator.endpoint}/_emulator/${path}`, {
    method,
    ...(body !== undefined
      ? {
          body: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }
      : {}),
  });
  return { status: res.status, body: await res.json() };
}

describe('fault admin API', () => {
  let emulator: RunningEmulator;
  let client: MQClient;
  beforeAll(async () => {
    emulator = await startEmulator({ faults: { seed: 1234 } });
    client = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
  });
  afterAll(async () => {
    await client.close();
    await emulator.stop();
  });

  it('lists the seed, no rules and zero counters at first', async () => {
    expect(await json(emulator, 'GET', 'faults')).toEqual({
      status: 200,
      body: {
        seed: 1234,
        rules: [],
        injected: {
          total: 0,
          byKind: { error: 0, delay: 0, reset: 0, drop: 0, stall: 0, trickle: 0 },
        },
      },
    });
  });

  it('adds, lists, counts, shows and removes rules', async () => {
    const added = await json(emulator, 'POST', 'faults', {
      match: { operation: 'publish', topic: 'admin-t' },
      count: 1,
      action: { kind: 'error', code: 'InternalError', status: 503 },
    });
    expect(added).toEqual({ status: 201, body: { id: expect.stringMatching(/^f\d+$/) } });
    const id = added.body.id as string;
    const second = await json(emulator, 'POST', 'faults', {
      match: { operation: 'consume' },
      probability: 0.5,
      after: 3,
      action: { kind: 'trickle', intervalMs: 500 },
    });

    await expect(client.publish('admin-t', { body: 'x' })).rejects.toMatchObject({
      code: 'InternalError',
      status: 503,
    });
    await client.publish('admin-t', { body: 'y' });

    const listed = await json(emulator, 'GET', 'faults');
    expect(listed.body.rules).toEqual([
      {
        id,
        match: { operation: 'publish', topic: 'admin-t' },
        count: 1,
        action: {
          kind: 'error',
          code: 'InternalError',
          status: 503,
          message: 'Interal error.',
        },
        hits: 1,
        matched: 1,
        exhausted: true,
      },
      {
        id: second.body.id,
        match: { operation: 'consume' },
        probability: 0.5,
        after: 3,
        action: { kind: 'trickle', intervalMs: 500 },
        hits: 0,
        matched: 0,
        exhausted: false,
      },
    ]);
    expect(listed.body.injected).toEqual({
      total: 1,
      byKind: { error: 1, delay: 0, reset: 0, drop: 0, stall: 0, trickle: 0 },
    });
    expect((await json(emulator, 'GET', `faults/${id}`)).body.hits).toBe(1);

    expect(await json(emulator, 'DELETE', `faults/${id}`)).toEqual({
      status: 200,
      body: { removed: 1 },
    });
    expect((await json(emulator, 'DELETE', `faults/${id}`)).status).toBe(404);
    expect(await json(emulator, 'DELETE', 'faults')).toEqual({ status: 200, body: { removed: 1 } });
    const after = await json(emulator, 'GET', 'faults');
    expect(after.body.rules).toEqual([]);
    expect(after.body.injected.total).toBe(1);
  });

  it.each([
    [{ action: { kind: 'error', code: 'InternalError', status: 700 } }, 'action.status'],
    [{ match: { operation: 'send' }, action: { kind: 'drop' } }, 'match.operation'],
    [{ probability: 2, action: { kind: 'drop' } }, 'probability'],
    [{ match: {} }, 'action'],
    // Codes are those of the rule's front.
    [{ match: { front: 'grpc' }, action: { kind: 'error', code: 'InternalError' } }, 'action.code'],
    [
      { match: { front: 'ons' }, action: { kind: 'error', code: 'TOO_MANY_REQUESTS' } },
      'action.code',
    ],
    [
      { match: { front: 'http' }, action: { kind: 'error', code: 'UNAVAILABLE', status: 503 } },
      'action.code',
    ],
    [
      { match: { front: 'grpc' }, action: { kind: 'error', code: 'UNAVAILABLE', status: 503 } },
      'action.status',
    ],
  ])('answers an invalid rule %j with 400 naming %s', async (rule, field) => {
    const res = await json(emulator, 'POST', 'faults', rule);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'InvalidFaultRule', field });
    expect(res.body.error.message).toContain(field);
  });

  it('answers a body that is not JSON with 400, and other methods with 405', async () => {
    expect((await json(emulator, 'POST', 'faults', '{oops')).status).toBe(400);
    expect((await json(emulator, 'PUT', 'faults', {})).status).toBe(405);
    expect((await json(emulator, 'GET', 'faults/f999')).status).toBe(404);
  });
});

describe('fault rules from configuration', () => {
  it('takes a seed and rules from startEmulator options and the config file', async () => {
    const file = join(dir, 'emulator.json');
    writeFileSync(
      file,
      JSON.stringify({
        faults: {
          seed: 99,
          rules: [{ match: { operation: 'ack' }, action: { kind: 'reset', when: 'after' } }],
        },
      }),
    );
    const emulator = await startEmulator(loadEmulatorConfigFile(file));
    try {
      const stats = emulator.faults.stats();
      expect(stats.seed).toBe(99);
      expect(stats.rules).toMatchObject([
        { id: 'f1', match: { operation: 'ack' }, action: { kind: 'reset', when: 'after' } },
      ]);
    } finally {
      await emulator.stop();
    }
  });

  it('names the bad field of a rule in the config file', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ faults: { rules: [{ action: { kind: 'delay' } }] } }));
    expect(() => loadEmulatorConfigFile(file)).toThrow(
      /bad\.json: Invalid emulator option "faults\.rules\[0\]\.action\.ms"/,
    );
    await expect(startEmulator({ faults: { seed: -5 } })).rejects.toThrow(EmulatorOptionsError);
  });

  it('takes --fault (repeatable) and --fault-seed, on top of the config file', async () => {
    const file = join(dir, 'cli.json');
    writeFileSync(
      file,
      JSON.stringify({ faults: { seed: 1, rules: [{ action: { kind: 'drop' }, count: 1 }] } }),
    );
    let stdout = '';
    const result = await runCli(
      [
        '--port',
        '0',
        '--config',
        file,
        '--fault',
        'operation=publish,topic=cli-t,count=1,error=InternalError:503',
        '--fault',
        'operation=consume,probability=0.25,delay=100',
        '--fault-seed',
        '77',
      ],
      { stdout: (t) => (stdout += t), stderr: () => undefined },
    );
    if (!('running' in result)) throw new Error(`CLI exited ${result.exitCode}`);
    const { running } = result;
    try {
      const stats = running.faults.stats();
      expect(stats.seed).toBe(77);
      expect(stats.rules.map((r) => r.action.kind)).toEqual(['drop', 'error', 'delay']);
      expect(stdout).toMatch(/ Faults +3 rule\(s\) ACTIVE, seed 77:/);
    } finally {
      await running.stop();
    }
  });

  it('exits 2 naming the flag and the field of a bad --fault', async () => {
    let stderr = '';
    const result = await runCli(['--fault', 'operation=publish,error=Nope'], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
    });
    expect(result).toEqual({ exitCode: 2 });
    expect(stderr).toContain('--fault: action.status');
  });
});

describe('seeded determinism over HTTP', () => {
  /** Which of 60 sequential publishes failed, against a fresh emulator with this seed. */
  async function failedPublishes(seed: number): Promise<number[]> {
    const emulator = await startEmulator({
      faults: {
        seed,
        rules: [{ probability: 0.3, action: { kind: 'error', code: 'InternalError' } }],
      },
    });
    const client = new MQClient(emulator.endpoint, emulator.credentials);
    const failed: number[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        await client.publish('seeded', { body: `m${i}` }).catch(() => failed.push(i));
      }
    } finally {
      await client.close();
      await emulator.stop();
    }
    return failed;
  }

  it('fails the same requests for the same seed', async () => {
    const first = await failedPublishes(2024);
    expect(first.length).toBeGreaterThan(0);
    expect(await failedPublishes(2024)).toEqual(first);
    expect(await failedPublishes(2025)).not.toEqual(first);
  });
});

describe('seeded determinism over gRPC and ONS (rules for one front leave the others alone)', () => {
  /** Which of 40 publishes failed on each front, against a fresh emulator with this seed. */
  async function failed(seed: number): Promise<Record<'http' | 'grpc' | 'ons', number[]>> {
    const emulator = await startEmulator({
      grpcPort: 0,
      faults: {
        seed,
        rules: [
          {
            match: { front: 'grpc' },
            probability: 0.3,
            action: { kind: 'error', code: 'TOO_MANY_REQUESTS' },
          },
          {
            match: { front: 'ons' },
            probability: 0.3,
            action: { kind: 'error', code: 'INTERNAL_ERROR' },
          },
          // Applies to the 3rd and 4th MQ HTTP publishes only.
          {
            match: { front: 'http' },
            after: 2,
            count: 2,
            action: { kind: 'error', code: 'QpsLimitExceeded' },
          },
        ],
      },
    });
    const mq = new MQClient(emulator.endpoint, emulator.credentials);
    const ons = new OnsHttpClient(emulator.endpoint, emulator.credentials);
    const grpc = new RawGrpc(emulator.grpcEndpoint!, {
      accessKey: emulator.credentials.accessKeyId,
      secret: emulator.credentials.accessKeySecret,
    });
    const out = { http: [] as number[], grpc: [] as number[], ons: [] as number[] };
    try {
      for (let i = 0; i < 40; i++) {
        await mq.publish('seeded', { body: `m${i}` }).catch(() => out.http.push(i));
        await ons.publish('seeded', 'PID_seeded', { body: `o${i}` }).catch(() => out.ons.push(i));
        const sent = await grpc.unary('SendMessage', {
          messages: [
            {
              topic: { name: 'seeded' },
              body: Buffer.from(`g${i}`),
              systemProperties: { messageId: `ID${seed}x${i}`, messageType: 'NORMAL' },
            },
          ],
        });
        if (sent.status.code !== 'OK') out.grpc.push(i);
      }
      // MQClient and the raw gRPC client use the default instance, the ONS API the emulator's.
      const stored =
        emulator.admin.peek({ topic: 'seeded', instanceId: '', limit: 500 }).length +
        emulator.admin.peek({ topic: 'seeded', instanceId: emulator.instanceId, limit: 500 })
          .length;
      expect(stored).toBe(120 - out.http.length - out.grpc.length - out.ons.length);
    } finally {
      grpc.close();
      await Promise.all([mq.close(), ons.close()]);
      await emulator.stop();
    }
    return out;
  }

  it('fails the same requests for the same seed, on each front independently', async () => {
    const first = await failed(7);
    expect(first.http).toEqual([2, 3]);
    expect(first.grpc.length).toBeGreaterThan(0);
    expect(first.ons.length).toBeGreaterThan(0);
    expect(first.grpc).not.toEqual(first.ons);
    expect(await failed(7)).toEqual(first);
    const other = await failed(8);
    expect(other.grpc).not.toEqual(first.grpc);
    expect(other.ons).not.toEqual(first.ons);
  });
});

@Injectable()
class NothingHere {}

describe('the testing harness', () => {
  it('exposes faults.add / remove / clear / stats', async () => {
    const mq = await createMQTestingModule(
      { providers: [NothingHere] },
      { module: { consumersEnabled: false } },
    );
    try {
      const id = mq.faults.add({
        match: { operation: 'publish', topic: 'harness-t' },
        count: 1,
        action: { kind: 'error', code: 'QpsLimitExceeded' },
      });
      const producer = mq.moduleRef.get(MQProducer);
      // retry: false — the producer would otherwise retry the throttled publish and succeed.
      await expect(producer.publish('harness-t', { n: 1 }, { retry: false })).rejects.toMatchObject(
        {
          code: 'QpsLimitExceeded',
        },
      );
      await producer.publish('harness-t', { n: 2 });
      expect(mq.faults.stats().rules.find((r) => r.id === id)).toMatchObject({
        hits: 1,
        exhausted: true,
      });
      expect(mq.faults.remove(id)).toBe(true);
      mq.faults.add({ action: { kind: 'delay', ms: 1 } });
      mq.faults.clear();
      expect(mq.faults.stats()).toMatchObject({ rules: [], injected: { total: 1 } });
    } finally {
      await mq.close();
    }
  });
});
