/**
 * MQProducer's retry policy against a scripted server: retryable errors only, bounded attempts,
 * the budget, the AbortSignal, `false`, per-call overrides; publishTransactional's commit retried
 * with a truthful log when the retry finds the handle already used.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  MQAbortError,
  MQClient,
  MQInvalidArgumentError,
  MQNetworkError,
  MQServiceError,
  MQTimeoutError,
} from '../../../lib/client/index.js';
import { PublishHealth } from '../../../lib/nest/health/publish.health.js';
import { MQProducer } from '../../../lib/nest/mq.producer.js';
import { RETRY_DEFAULTS, type ResolvedRetryPolicy } from '../../../lib/nest/retry/retry.policy.js';
import {
  bodyMd5,
  buildAckErrors,
  buildError,
  buildPublishResponse,
} from '../../../lib/protocol/index.js';
import { HttpMQTransport } from '../../../lib/transport/http/http-mq.transport.js';
import { RecordingLogger } from '../consumer/consumer.harness.js';
import {
  ScriptedServer,
  hang,
  reply,
  resetConnection,
  type Responder,
} from '../client/scripted-server.js';

const CREDS = { accessKeyId: 'AKID', accessKeySecret: 'secret' };
/** Short waits so that the tests run fast; the logic is the same as with the defaults. */
const FAST: ResolvedRetryPolicy = { ...RETRY_DEFAULTS, initialDelayMs: 1, maxDelayMs: 4 };

const published = (body: string): Responder =>
  reply(201, buildPublishResponse({ messageId: 'MID-' + body, bodyMd5: bodyMd5(body) }));
const serviceError = (status: number, code: string): Responder =>
  reply(status, buildError({ code, message: code, requestId: 'R', hostId: 'h' }));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('MQProducer retries', () => {
  let server: ScriptedServer;
  let client: MQClient;
  let logger: RecordingLogger;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    client = new MQClient(server.endpoint, CREDS, { requestTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    logger = new RecordingLogger();
  });

  /** A producer with the module policy `policy` ('off' = `publishRetry: false`). */
  const producer = (policy: ResolvedRetryPolicy | 'off' = FAST) => {
    const transport = new HttpMQTransport(client);
    // The connection's real observers: no telemetry recording, publish health noted.
    const observers = {
      telemetry: { publisher: undefined },
      health: new PublishHealth((error) => transport.isConfigurationError(error)),
    };
    return new MQProducer(
      transport,
      'default',
      logger,
      observers,
      policy === 'off' ? undefined : policy,
    );
  };

  it('retries network errors, 5xx and throttling, then succeeds', async () => {
    const p = producer();
    server.next(resetConnection, serviceError(503, 'InternalError'), published('a'));
    const result = await p.publish('T', 'a');
    expect(result.messageId).toBe('MID-a');
    expect(server.requests).toHaveLength(3);
    server.reset();
    server.next(serviceError(429, 'QpsLimitExceeded'), published('b'));
    await expect(p.publish('T', 'b')).resolves.toMatchObject({ messageId: 'MID-b' });
    expect(server.requests).toHaveLength(2);
    // Retries are logged (rate-limited); a lost answer is flagged as a possible duplicate.
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]).toMatch(/retry 1 in \d+ ms \(the failed attempt may have acted/);
  });

  it('gives up after maxAttempts with the last error', async () => {
    server.next(
      serviceError(500, 'InternalError'),
      serviceError(500, 'InternalError'),
      serviceError(503, 'InternalServerError'),
    );
    const err = await rejection(producer().publish('T', 'x'));
    expect(err).toBeInstanceOf(MQServiceError);
    expect((err as MQServiceError).code).toBe('InternalServerError');
    expect(server.requests).toHaveLength(3);
  });

  it('never retries what retrying cannot fix', async () => {
    server.next(serviceError(400, 'InvalidArgument'), serviceError(403, 'SignatureDoesNotMatch'));
    await expect(producer().publish('T', 'x')).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(producer().publish('T', 'x')).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    expect(server.requests).toHaveLength(2);
    await expect(producer().publish('', 'x')).rejects.toBeInstanceOf(MQInvalidArgumentError);
    expect(server.requests).toHaveLength(2);
  });

  it('stays within its budget: no attempt runs or starts past deadlineMs', async () => {
    // Each attempt would hang for the client's 2 s; the budget of 120 ms cuts the first one at
    // 120 ms and leaves no time for a second.
    server.next(hang, hang, hang);
    const err = await rejection(
      producer({ ...FAST, deadlineMs: 120 }).publish('T', 'x', { retry: {} }),
    );
    expect(err).toBeInstanceOf(MQTimeoutError);
    expect(err.message).toContain('120 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('an abort during the wait before a retry rejects with MQAbortError', async () => {
    server.next(serviceError(503, 'InternalError'), published('x'));
    const controller = new AbortController();
    const slow = { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000, deadlineMs: 120_000 };
    const pending = producer(slow).publish('T', 'x', { signal: controller.signal });
    // The retry is logged just before the producer starts waiting 30-60 s for it.
    while (logger.at('warn').length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const err = await rejection(pending);
    expect(err).toBeInstanceOf(MQAbortError);
    expect(server.requests).toHaveLength(1);
  });

  it('false turns retries off, per module or per call; a call can turn them on again', async () => {
    server.next(resetConnection, resetConnection, resetConnection, published('x'));
    await expect(producer('off').publish('T', 'x')).rejects.toBeInstanceOf(MQNetworkError);
    await expect(producer().publish('T', 'x', { retry: false })).rejects.toBeInstanceOf(
      MQNetworkError,
    );
    expect(server.requests).toHaveLength(2);
    const result = await producer('off').publish('T', 'x', {
      retry: { maxAttempts: 2, initialDelayMs: 1 },
    });
    expect(result.messageId).toBe('MID-x');
    expect(server.requests).toHaveLength(4);
  });

  it('a bad per-call retry option rejects naming it, before anything is sent', async () => {
    const err = await rejection(producer().publish('T', 'x', { retry: { maxAttempts: 0 } }));
    expect(err).toBeInstanceOf(MQInvalidArgumentError);
    expect((err as MQInvalidArgumentError).argument).toBe('options.retry.maxAttempts');
    expect(server.requests).toHaveLength(0);
  });

  it('publishTransactional: a commit whose answer was lost and whose retry finds the handle used is logged as most likely done', async () => {
    server.next(
      reply(
        201,
        buildPublishResponse({ messageId: 'HALF', bodyMd5: bodyMd5('tx'), receiptHandle: 'RH-1' }),
      ),
      // The first commit reaches the server, whose answer is lost (connection reset).
      resetConnection,
      reply(
        404,
        buildAckErrors([{ receiptHandle: 'RH-1', code: 'MessageNotExist', message: 'gone' }]),
      ),
    );
    const result = await producer().publishTransactional(
      'T',
      'tx',
      { group: 'GID_tx' },
      async () => 'local done',
    );
    expect(result).toBe('local done');
    expect(server.requests.map((r) => r.url.match(/trans=(\w+)/)?.[1] ?? 'publish')).toEqual([
      'publish',
      'commit',
      'commit',
    ]);
    expect(logger.at('error')).toEqual([]);
    expect(logger.at('warn').filter((l) => l.includes('refused'))).toEqual([]);
    expect(logger.at('log').some((l) => l.includes('most likely went through'))).toBe(true);
  });

  it('publishTransactional: a commit refused at its only attempt is left to the checker', async () => {
    server.next(
      reply(
        201,
        buildPublishResponse({ messageId: 'HALF', bodyMd5: bodyMd5('tx'), receiptHandle: 'RH-2' }),
      ),
      reply(
        404,
        buildAckErrors([{ receiptHandle: 'RH-2', code: 'MessageNotExist', message: 'gone' }]),
      ),
    );
    await producer().publishTransactional('T', 'tx', { group: 'GID_tx' }, async () => undefined);
    expect(logger.at('warn').some((l) => l.includes('transaction checker'))).toBe(true);
    expect(logger.at('log').some((l) => l.includes('most likely'))).toBe(false);
  });
});
