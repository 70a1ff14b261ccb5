/**
 * Faults are part of the spec: against servers that never answer, stall every data call, cut the
 * Telemetry stream or are not there at all, every call of our RocketMQ 5 client settles (typed
 * error, its gRPC deadline) and close() ends. No durations are asserted: a missing deadline
 * shows up as a call that never settles (the test times out).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  startStallingServer,
  type StallingServer,
} from '../../../bench/harness/stalling.grpc.server.js';
import {
  MQAbortError,
  MQNetworkError,
  MQServiceError,
  MQTimeoutError,
} from '../../../lib/client/index.js';
import { RocketMQ5Client } from '../../../lib/client-grpc/index.js';
import { grpcDriver } from '../../../lib/transport/grpc/grpc.driver.js';

const CREDENTIALS = { accessKeyId: 'ak', accessKeySecret: 'secret' };
const FAST = { requestTimeoutMs: 300, longPollMarginMs: 200, closeTimeoutMs: 300 };

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('RocketMQ 5 client against misbehaving servers', () => {
  let silent: StallingServer;
  let data: StallingServer;
  let drops: StallingServer;
  beforeAll(async () => {
    [silent, data, drops] = await Promise.all([
      startStallingServer('silent'),
      startStallingServer('data'),
      startStallingServer('drops-telemetry'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([silent.close(), data.close(), drops.close()]);
  });

  it('a server that never answers: the route query and the settings exchange hit their deadlines', async () => {
    const client = new RocketMQ5Client(silent.endpoint, CREDENTIALS, FAST);
    await expect(client.publish('t', { body: 'x' })).rejects.toBeInstanceOf(MQTimeoutError);
    await expect(
      client.receive({ topic: 't', group: 'g', max: 1, waitMs: 0, invisibleMs: 30_000 }),
    ).rejects.toBeInstanceOf(MQTimeoutError);
    await client.close();
  });

  it('a proxy that stalls every data call: each call rejects at its deadline, close() is bounded', async () => {
    const client = new RocketMQ5Client(data.endpoint, CREDENTIALS, FAST);
    const entry = { messageId: 'm', receiptHandle: 'h' };
    // All at once: the receive's deadline is its long poll (at least the proxy's 5 s) + margin.
    const results = await Promise.allSettled([
      client.publish('t', { body: 'x' }),
      client.publish('t', { body: 'x', transCheckImmunitySeconds: 10 }),
      client.receive({ topic: 't', group: 'g', max: 1, waitMs: 0, invisibleMs: 30_000 }),
      client.ack('t', 'g', [entry]),
      client.changeInvisibleDuration('t', 'g', 'm', 'h', 1_000),
      client.endTransaction('t', 'm', 'tx', 'COMMIT', 'SOURCE_CLIENT'),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(MQTimeoutError);
    }
    // NotifyClientTermination stalls too: close() gives up after closeTimeoutMs.
    await client.close();
    expect(data.calls).toContain('NotifyClientTermination');
    await expect(client.publish('t', { body: 'x' })).rejects.toThrow('client is closed');
  }, 15_000);

  it('an aborted receive rejects with MQAbortError at once', async () => {
    const client = new RocketMQ5Client(data.endpoint, CREDENTIALS, FAST);
    const controller = new AbortController();
    const receiving = client.receive({
      topic: 't',
      group: 'g',
      max: 1,
      waitMs: 30_000,
      invisibleMs: 30_000,
      signal: controller.signal,
    });
    await until(() => data.calls.includes('ReceiveMessage'));
    controller.abort();
    await expect(receiving).rejects.toBeInstanceOf(MQAbortError);
    await client.close();
  });

  it('a Telemetry stream the proxy ends is reopened and the settings sent again', async () => {
    const lines: string[] = [];
    const client = new RocketMQ5Client(drops.endpoint, CREDENTIALS, {
      ...FAST,
      logger: { log: (line) => lines.push(line), warn: (line) => lines.push(line) },
    });
    await expect(client.receiveTransactionChecks('t', 1, 0)).resolves.toEqual([]);
    await until(() => drops.calls.filter((c) => c === 'Telemetry').length >= 2);
    await until(() => lines.some((l) => l.includes('telemetry session restored')));
    expect(lines.find((l) => l.includes('reconnecting'))).toContain(
      'the proxy ended the telemetry stream',
    );
    await client.close();
  });

  it('heartbeats every session; a proxy that forgot the client gets its settings again', async () => {
    const forgetful = await startStallingServer('data', {
      Heartbeat: {
        status: { code: 'UNRECOGNIZED_CLIENT_TYPE', message: 'cannot find client settings' },
      },
    });
    const lines: string[] = [];
    const client = new RocketMQ5Client(forgetful.endpoint, CREDENTIALS, {
      ...FAST,
      heartbeatIntervalMs: 20,
      logger: { log: (line) => lines.push(line), warn: (line) => lines.push(line) },
    });
    try {
      await client.receiveTransactionChecks('t', 1, 0);
      await until(() => forgetful.calls.filter((c) => c === 'Telemetry.settings').length >= 2);
      expect(forgetful.calls).toContain('Heartbeat');
      expect(lines.some((l) => l.includes('the proxy forgot the client'))).toBe(true);
    } finally {
      await client.close();
      await forgetful.close();
    }
  });

  it('an endpoint nobody listens on: a network error, not a configuration error', async () => {
    const transport = await grpcDriver.create({
      endpoint: '127.0.0.1:1',
      credentials: CREDENTIALS,
      options: { requestTimeoutMs: 2_000 },
    });
    const error = await transport.publish('t', { body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MQNetworkError);
    expect(error).not.toBeInstanceOf(MQServiceError);
    expect((error as MQNetworkError).retryable).toBe(true);
    expect(transport.isConfigurationError(error)).toBe(false);
    await transport.close();
  });
});
