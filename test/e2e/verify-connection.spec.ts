/**
 * `verifyConnection: true`: bootstrap fails, saying why, when the credentials are refused or the
 * endpoint does not answer as the MQ HTTP service; it passes whatever the probe's resource is.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { MQClient } from '../../lib/client/index.js';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import {
  MQConsumer,
  MQModule,
  type MQModuleExtras,
  type MQModuleOptions,
} from '../../lib/index.js';
import { connectionTo } from './fixtures/harness.js';
import { silentLogger } from './fixtures/quiet.js';

const SECRET = 'a-wrong-secret-value';

@Injectable()
class Watcher {
  @MQConsumer('vc-topic', 'GID_vc')
  handle(): void {}
}

/** Bootstraps a module with these options; the error message, or the log lines when it started. */
async function bootstrap(
  options: Partial<MQModuleOptions & MQModuleExtras>,
): Promise<string | string[]> {
  const lines: string[] = [];
  const logger: LoggerService = { ...silentLogger, log: (m: unknown) => lines.push(String(m)) };
  const builder = Test.createTestingModule({
    imports: [MQModule.forRoot({ logger, ...options } as MQModuleOptions)],
    providers: [Watcher],
  });
  builder.setLogger(silentLogger);
  try {
    const moduleRef = await builder.compile();
    try {
      await moduleRef.init();
    } finally {
      await moduleRef.close();
    }
  } catch (error) {
    return (error as Error).message;
  }
  return lines;
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}

describe('verifyConnection', () => {
  let emulator: RunningEmulator;
  let strict: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual' });
    strict = await startEmulator({ clock: 'virtual', autoCreate: false });
  });
  afterAll(async () => {
    await emulator.stop();
    await strict.stop();
  });

  it('passes against the emulator with its credentials, and changes nothing there', async () => {
    const lines = await bootstrap({ ...connectionTo(emulator), verifyConnection: true });
    expect(lines).toContainEqual(
      expect.stringContaining(
        `connection "default": ${emulator.endpoint} answers and accepts the credentials (the check's probe got ReceiptHandleError)`,
      ),
    );
    // The probe created no topic and no group.
    expect(emulator.admin.topics().map((t) => t.topic)).not.toContain(
      'nestjs-aliyun-mq-connection-check',
    );
    expect(emulator.admin.groups().map((g) => g.group)).not.toContain(
      'GID_nestjs_aliyun_mq_connection_check',
    );
  });

  it('passes when the probe topic does not exist (strict emulator: TopicNotExist)', async () => {
    const lines = await bootstrap({
      ...connectionTo(strict),
      verifyConnection: true,
      consumersEnabled: false,
    });
    expect(lines).toContainEqual(expect.stringContaining("(the check's probe got TopicNotExist)"));
  });

  it('fails bootstrap on a wrong secret, naming the connection and never the secret', async () => {
    const message = await bootstrap({
      ...connectionTo(emulator),
      name: 'audit',
      accessKeySecret: SECRET,
      verifyConnection: true,
    });
    expect(message).toMatch(
      `MQModule: connection "audit" failed its start-up check (verifyConnection) against ${emulator.endpoint}: the service refused the credentials (SignatureDoesNotMatch, HTTP 403, request id `,
    );
    expect(message).toContain('check accessKeyId and accessKeySecret (or credentials)');
    expect(message).not.toContain(SECRET);
  });

  it('fails bootstrap on an unknown AccessKey id', async () => {
    const message = await bootstrap({
      ...connectionTo(emulator),
      accessKeyId: 'nobody',
      verifyConnection: true,
    });
    expect(message).toContain('the service refused the credentials (InvalidAccessKeyId, HTTP 403');
  });

  it('without verifyConnection the same wrong secret boots (the consumers report it later)', async () => {
    expect(
      Array.isArray(await bootstrap({ ...connectionTo(emulator), accessKeySecret: SECRET })),
    ).toBe(true);
  });

  it('fails bootstrap when nothing listens at the endpoint', async () => {
    const closed = createTcpServer();
    const endpoint = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const message = await bootstrap({
      ...connectionTo(emulator),
      endpoint,
      verifyConnection: true,
    });
    expect(message).toContain(`against ${endpoint}: cannot reach it (`);
    expect(message).toContain('ECONNREFUSED');
  });

  it('fails bootstrap when the endpoint accepts the connection but never answers', async () => {
    const silent = createTcpServer(() => undefined);
    const endpoint = await listen(silent);
    try {
      const message = await bootstrap({
        ...connectionTo(emulator),
        endpoint,
        verifyConnection: true,
        client: { requestTimeoutMs: 100 },
      });
      expect(message).toContain(`against ${endpoint}: no answer in time (`);
      expect(message).toContain('within 100 ms');
    } finally {
      silent.close();
    }
  });

  it('bounds the whole check, a credentials provider that never answers included', async () => {
    const { accessKeyId: _id, accessKeySecret: _secret, ...rest } = connectionTo(emulator);
    const message = await bootstrap({
      ...rest,
      credentials: () => new Promise<never>(() => undefined),
      verifyConnection: true,
      client: { requestTimeoutMs: 100 },
    });
    expect(message).toContain('no answer in time (checkConnection: no answer within 100 ms)');
  });

  it('fails bootstrap when something else answers (not the MQ HTTP service)', async () => {
    const web = createHttpServer((_req, res) => res.end('<html>hello</html>'));
    const endpoint = await listen(web);
    try {
      const message = await bootstrap({
        ...connectionTo(emulator),
        endpoint,
        verifyConnection: true,
      });
      expect(message).toContain(
        `against ${endpoint}: something answered, but not as the MQ service (HTTP 200`,
      );
    } finally {
      web.close();
    }
  });

  it('MQClient.checkConnection is the check, usable without Nest', async () => {
    const client = new MQClient(emulator.endpoint, emulator.credentials, {
      instanceId: emulator.instanceId,
    });
    await expect(client.checkConnection()).resolves.toMatchObject({
      answer: 'ReceiptHandleError',
    });
    await client.close();
    const wrong = new MQClient(emulator.endpoint, { accessKeyId: 'x', accessKeySecret: 'y' });
    await expect(wrong.checkConnection()).rejects.toMatchObject({ code: 'InvalidAccessKeyId' });
    await wrong.close();
  });

  it('rejects a non-boolean verifyConnection, naming it', async () => {
    expect(await bootstrap({ ...connectionTo(emulator), verifyConnection: 'yes' as never })).toBe(
      'MQModule: option "verifyConnection" must be a boolean (connection "default")',
    );
  });
});

describe("verifyConnection with transport 'grpc'", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ clock: 'virtual', grpcPort: 0 });
  });
  afterAll(() => emulator.stop());

  const grpc = () => ({
    ...connectionTo(emulator),
    transport: 'grpc' as const,
    endpoint: emulator.grpcEndpoint!,
    verifyConnection: true,
  });

  it('passes against the emulator with its credentials, and changes nothing there', async () => {
    const lines = await bootstrap(grpc());
    expect(lines).toContainEqual(
      expect.stringContaining(
        `connection "default": ${emulator.grpcEndpoint} answers and accepts the credentials`,
      ),
    );
    expect(emulator.admin.topics().map((t) => t.topic)).not.toContain(
      'nestjs-aliyun-mq-connection-check',
    );
  });

  it('fails bootstrap on a wrong secret with the RocketMQ code, never the secret', async () => {
    const message = await bootstrap({ ...grpc(), accessKeySecret: SECRET });
    expect(message).toContain(
      `MQModule: connection "default" failed its start-up check (verifyConnection) against ${emulator.grpcEndpoint}: the service refused the credentials (UNAUTHORIZED, HTTP 401`,
    );
    expect(message).not.toContain(SECRET);
  });

  it('fails bootstrap when nothing listens at the endpoint', async () => {
    const message = await bootstrap({ ...grpc(), endpoint: '127.0.0.1:1' });
    expect(message).toContain('against 127.0.0.1:1: cannot reach it');
  });
});
