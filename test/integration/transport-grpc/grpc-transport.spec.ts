/**
 * The `grpc` transport (what the Nest layer calls) against the emulator's gRPC front: opaque
 * transaction handles, nack, client-chosen invisibility, configuration errors, the FIFO warning.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type RunningEmulator } from '../../../lib/emulator/index.js';
import {
  MQInvalidArgumentError,
  MQServiceError,
  type MQTransport,
} from '../../../lib/transport/index.js';
import { grpcDriver } from '../../../lib/transport/grpc/grpc.driver.js';
import { startStallingServer } from '../../../bench/harness/stalling.grpc.server.js';

describe('grpc transport on the emulator', () => {
  let emulator: RunningEmulator;
  let transport: MQTransport;
  const warnings: string[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({
      clock: 'virtual',
      grpcPort: 0,
      topics: [{ name: 'gt-tx', type: 'transactional' }],
    });
    transport = await grpcDriver.create({
      endpoint: emulator.grpcEndpoint!,
      credentials: emulator.credentials,
      instanceId: emulator.instanceId,
      options: {},
      logger: { log: () => undefined, warn: (line) => warnings.push(line) },
    });
  });
  afterAll(async () => {
    await transport.close();
    await emulator.stop();
  });

  const receive = (topic: string, group: string, invisibleMs = 30_000, orderly = false) =>
    transport.receive({ topic, group, orderly, max: 16, waitSeconds: 0, invisibleMs });

  it('a transactional publish returns an opaque handle that commits it; a refusal is reported, not thrown', async () => {
    const half = await transport.publish('gt-tx', {
      body: 'paid',
      transCheckImmunitySeconds: 10,
    });
    expect(half.receiptHandle).toMatch(/^rmq5tx:client:/);
    const committed = await transport.commit('gt-tx', 'GID_any', half.receiptHandle!);
    expect(committed.acked).toEqual([half.receiptHandle]);
    expect((await receive('gt-tx', 'GID_gt_tx')).map((m) => m.body)).toEqual(['paid']);
    await expect(transport.commit('gt-tx', 'GID_any', 'not-a-handle')).rejects.toBeInstanceOf(
      MQInvalidArgumentError,
    );
  });

  it('the receive chooses the invisibility; a nack brings the message back after its delay', async () => {
    await transport.publish('gt-plain', { body: 'x' });
    const before = Date.now();
    const [first] = await receive('gt-plain', 'GID_gt', 45_000);
    expect(first!.nextConsumeTime).toBeGreaterThanOrEqual(before + 45_000);
    // Still invisible 44 s later (virtual clock), visible at 45 s.
    emulator.admin.advance(44_999);
    expect(await receive('gt-plain', 'GID_gt')).toEqual([]);
    emulator.admin.advance(1);
    const [second] = await receive('gt-plain', 'GID_gt');
    expect(second!.consumedTimes).toBe(2);
    await transport.nack('gt-plain', 'GID_gt', second!, 3_000);
    emulator.admin.advance(2_999);
    expect(await receive('gt-plain', 'GID_gt')).toEqual([]);
    emulator.admin.advance(1);
    const [third] = await receive('gt-plain', 'GID_gt');
    expect(third!.consumedTimes).toBe(3);
    const acked = await transport.ack('gt-plain', 'GID_gt', [third!]);
    expect(acked.acked).toEqual([third!.receiptHandle]);
  });

  it('warns once when an orderly consumer reads a group the server does not deliver in FIFO order', async () => {
    await receive('gt-ord', 'GID_gt_not_fifo', 30_000, true);
    await receive('gt-ord', 'GID_gt_not_fifo', 30_000, true);
    const fifo = warnings.filter((w) => w.includes('GID_gt_not_fifo'));
    expect(fifo).toHaveLength(1);
    expect(fifo[0]).toContain('not a FIFO group on the server');
  });

  it('wrong credentials are a configuration error (the consumer turns unhealthy, not backing off)', async () => {
    const wrong = await grpcDriver.create({
      endpoint: emulator.grpcEndpoint!,
      credentials: { accessKeyId: emulator.credentials.accessKeyId, accessKeySecret: 'wrong' },
      instanceId: emulator.instanceId,
      options: {},
    });
    const error = await wrong.publish('gt-plain', { body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MQServiceError);
    expect((error as MQServiceError).code).toBe('UNAUTHORIZED');
    expect((error as MQServiceError).retryable).toBe(false);
    expect(wrong.isConfigurationError(error)).toBe(true);
    await wrong.close();
  });
});

describe('grpc transport: checkConnection (verifyConnection at bootstrap)', () => {
  it('answers for good credentials, refuses bad ones, and leaves nothing behind', async () => {
    const emulator = await startEmulator({ clock: 'virtual', grpcPort: 0 });
    const open = (secret: string) =>
      grpcDriver.create({
        endpoint: emulator.grpcEndpoint!,
        credentials: { accessKeyId: emulator.credentials.accessKeyId, accessKeySecret: secret },
        instanceId: emulator.instanceId,
        options: {},
      });
    const [good, bad] = await Promise.all([
      open(emulator.credentials.accessKeySecret),
      open('wrong'),
    ]);
    try {
      const check = await good.checkConnection();
      expect(check.answer).toEqual(expect.any(String));
      const refused = await bad.checkConnection().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(MQServiceError);
      expect((refused as MQServiceError).code).toBe('UNAUTHORIZED');
      expect(emulator.admin.topics().map((t) => t.topic)).not.toContain(
        'nestjs-aliyun-mq-connection-check',
      );
    } finally {
      await Promise.all([good.close(), bad.close()]);
      await emulator.stop();
    }
  });
});

describe('grpc transport on a strict emulator (topics must exist)', () => {
  it('a missing topic is a configuration error named TOPIC_NOT_FOUND', async () => {
    const emulator = await startEmulator({ clock: 'virtual', grpcPort: 0, autoCreate: false });
    const transport = await grpcDriver.create({
      endpoint: emulator.grpcEndpoint!,
      credentials: emulator.credentials,
      instanceId: emulator.instanceId,
      options: {},
    });
    try {
      const error = await transport
        .receive({ topic: 'nope', group: 'GID_nope', orderly: false, max: 1, waitSeconds: 0 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MQServiceError);
      expect((error as MQServiceError).code).toMatch(/NOT_FOUND/);
      expect(transport.isConfigurationError(error)).toBe(true);
    } finally {
      await transport.close();
      await emulator.stop();
    }
  });
});

describe('grpc transport: refusals of EndTransaction', () => {
  it('a refusal the proxy will not change its mind about is a failed entry; a retryable one rejects', async () => {
    const refusing = await startStallingServer('data', {
      EndTransaction: {
        status: { code: 'INVALID_TRANSACTION_ID', message: 'transaction expired' },
      },
    });
    const busy = await startStallingServer('data', {
      EndTransaction: { status: { code: 'TOO_MANY_REQUESTS', message: 'slow down' } },
    });
    const open = (endpoint: string) =>
      grpcDriver.create({
        endpoint,
        credentials: { accessKeyId: 'a', accessKeySecret: 's' },
        options: {},
      });
    const [a, b] = await Promise.all([open(refusing.endpoint), open(busy.endpoint)]);
    const handle = 'rmq5tx:check:01AB:tx-1';
    try {
      const refused = await a.commit('t', 'GID_any', handle);
      expect(refused).toEqual({
        acked: [],
        failed: [
          expect.objectContaining({ receiptHandle: handle, code: 'INVALID_TRANSACTION_ID' }),
        ],
        requestId: expect.any(String),
      });
      const error = await b.commit('t', 'GID_any', handle).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MQServiceError);
      expect((error as MQServiceError).retryable).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([refusing.close(), busy.close()]);
    }
  });
});

describe('loading', () => {
  it('an HTTP-only app never loads gRPC: the package barrel does not import @grpc/grpc-js', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      import { createRequire } from 'node:module';
      await import('./dist/lib/index.js');
      const cache = Object.keys(createRequire(import.meta.url).cache);
      process.stdout.write(JSON.stringify(cache.filter((f) => f.includes('@grpc')).length));
    `;
    const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(loaded).toBe('0');
  });
});
