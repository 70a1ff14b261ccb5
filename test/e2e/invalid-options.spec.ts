import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { RunningEmulator } from '../../lib/emulator/index.js';
import { MQConsumer, MQModule, type MQConsumerOptions } from '../../lib/index.js';
import { connectionTo, virtualEmulator } from './fixtures/harness.js';
import { silentLogger } from './fixtures/quiet.js';

const SECRET = 'very-secret-value';

async function bootstrapError(imports: unknown[], providers: Type[] = []): Promise<string> {
  const builder = Test.createTestingModule({ imports: imports as never[], providers });
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
  throw new Error('bootstrap succeeded');
}

function consumerWith(options: MQConsumerOptions, topic = 'inv-topic'): Type {
  @Injectable()
  class Bad {
    @MQConsumer(topic, 'GID_inv', options)
    handle() {}
  }
  return Bad;
}

describe('invalid options fail bootstrap with a message naming the option', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await virtualEmulator();
  });
  afterAll(() => emulator.stop());

  it.each([
    [
      { endpoint: 'ftp://example.com' },
      'MQModule: option "endpoint" must be an http(s) URL with a host and no path, query or fragment, e.g. http://1234567890123456.mqrest.cn-hangzhou.aliyuncs.com; got "ftp://example.com" (connection "default")',
    ],
    [
      { endpoint: undefined },
      'MQModule: option "endpoint" is missing; give an http(s) URL with a host and no path, query or fragment, e.g. http://1234567890123456.mqrest.cn-hangzhou.aliyuncs.com (connection "default")',
    ],
    [{ endpoint: '' }, 'MQModule: option "endpoint" is empty; give an http(s) URL'],
    [
      { endpoint: 'http://1.mqrest.cn-hangzhou.aliyuncs.com/mq' },
      'must be an http(s) URL with a host and no path, query or fragment, e.g. http://1234567890123456.mqrest.cn-hangzhou.aliyuncs.com; got "http://1.mqrest.cn-hangzhou.aliyuncs.com/mq"',
    ],
    [{ endpoint: `http://me:${SECRET}@h` }, 'got "http://***@h" (connection "default")'],
    [{ endpoint: 9876 }, 'got number 9876'],
    [
      { client: { connectionz: 4 } },
      'MQModule: option "client.connectionz" is not an MQClient option; did you mean "connections"?',
    ],
    [
      { client: { requestTimeoutMs: 0 } },
      'MQModule: option "client.requestTimeoutMs" must be a positive integer, got 0 (connection "default")',
    ],
    [{ accessKeySecret: '' }, 'MQModule: option "accessKeySecret" must be a non-empty string'],
    [{ batchSize: 4 }, 'MQModule: option "batchSize" is not a known option'],
    [{ onFilteredError: 'drop' }, `MQModule: option "onFilteredError" must be 'retry' or 'ack'`],
    [{ shutdown: { drainTimeoutMs: -1 } }, 'MQModule: option "shutdown.drainTimeoutMs" must be'],
    [{ publishRetry: true }, 'MQModule: option "publishRetry" must be false or an object'],
    [{ publishRetry: { maxAttempts: 0 } }, 'MQModule: option "publishRetry.maxAttempts" must be'],
    [{ publishRetry: { retries: 3 } }, 'MQModule: option "publishRetry.retries" is not a known'],
    [
      { publishRetry: { initialDelayMs: 500, maxDelayMs: 100 } },
      'MQModule: option "publishRetry.maxDelayMs" must be',
    ],
    [{ publishRetry: { deadlineMs: 0 } }, 'MQModule: option "publishRetry.deadlineMs" must be'],
    [
      { pollBackoff: { initialMs: 500, maxMs: 100 } },
      'MQModule: option "pollBackoff.maxMs" must be at least pollBackoff.initialMs',
    ],
  ])('module option %j', async (override, expected) => {
    const message = await bootstrapError([
      MQModule.forRoot({
        ...connectionTo(emulator),
        accessKeySecret: SECRET,
        ...override,
      } as never),
    ]);
    expect(message).toContain(expected);
    expect(message).not.toContain(SECRET);
  });

  it('names the connection of a named module', async () => {
    const message = await bootstrapError([
      MQModule.forRoot({ ...connectionTo(emulator), name: 'audit', endpoint: 'nope' }),
    ]);
    expect(message).toBe(
      'MQModule: option "endpoint" must be an http(s) URL with a host and no path, query or fragment, e.g. http://1234567890123456.mqrest.cn-hangzhou.aliyuncs.com; got "nope" (connection "audit")',
    );
  });

  it.each([
    [
      { batchSize: 17 },
      'MQModule: consumer "Bad.handle": option "batchSize" must be an integer between 1 and 16',
    ],
    [{ waitSeconds: 31 }, 'option "waitSeconds" must be an integer between 0 and 30'],
    [{ concurrency: 0 }, 'option "concurrency" must be an integer between 1 and 1024'],
    [{ tag: [] }, 'option "tag" must be a tag or a non-empty list of tags'],
    [
      { maxAttempts: 3, onExhausted: 'missing' },
      'option "onExhausted" names "missing", which is no method of Bad',
    ],
    [{ onExhausted: 'handle' }, 'option "onExhausted" needs maxAttempts'],
    [
      { name: 'x', connection: 'nowhere' },
      'consumer "x" uses connection "nowhere", which no MQModule.forRoot()/forRootAsync() registers (registered: "default")',
    ],
  ] as [MQConsumerOptions, string][])('consumer option %j', async (options, expected) => {
    const message = await bootstrapError(
      [MQModule.forRoot(connectionTo(emulator))],
      [consumerWith(options)],
    );
    expect(message).toContain(expected);
  });

  it.each([
    [
      'bad topic',
      'MQModule: consumer "Bad.handle": option "topic" contains a forbidden character at index 3',
    ],
    ['t'.repeat(65), 'option "topic" must be at most 64 characters, got 65'],
  ])('topic %j', async (topic, expected) => {
    const message = await bootstrapError(
      [MQModule.forRoot(connectionTo(emulator))],
      [consumerWith({}, topic)],
    );
    expect(message).toContain(expected);
  });

  it('a tag filter that would exceed the 1024-character request line fails at bootstrap', async () => {
    const tag = Array.from({ length: 40 }, (_, i) => `tag-number-${i}-${'x'.repeat(20)}`);
    const message = await bootstrapError(
      [MQModule.forRoot(connectionTo(emulator))],
      [consumerWith({ tag })],
    );
    expect(message).toContain(
      'MQModule: consumer "Bad.handle": option "tag" request line would be',
    );
  });

  it('a group id the service cannot take fails at bootstrap', async () => {
    const message = await bootstrapError(
      [
        MQModule.forRoot({
          ...connectionTo(emulator),
          consumers: { 'Bad.handle': { group: 'GID a&b' } },
        }),
      ],
      [consumerWith({})],
    );
    expect(message).toContain(
      'MQModule: consumer "Bad.handle": option "group" contains a character',
    );
  });

  it('rejects overrides with unknown options from the module', async () => {
    const message = await bootstrapError(
      [
        MQModule.forRoot({
          ...connectionTo(emulator),
          consumers: { 'Bad.handle': { batchsize: 2 } as never },
        }),
      ],
      [consumerWith({})],
    );
    expect(message).toBe(
      'MQModule: consumer "Bad.handle": option "consumers.Bad.handle.batchsize" is not a known option here',
    );
  });

  it('rejects a consumer class provided by two modules (its messages would be split)', async () => {
    const Consumer = consumerWith({});
    @Module({ providers: [Consumer] })
    class A {}
    @Module({ providers: [Consumer] })
    class B {}
    const message = await bootstrapError([MQModule.forRoot(connectionTo(emulator)), A, B]);
    expect(message).toContain(
      'MQModule: two consumers or transaction checkers are named "Bad.handle"',
    );
  });

  it('rejects two consumers on the same subscription', async () => {
    @Injectable()
    class Twice {
      @MQConsumer('inv-dup', 'GID_dup', { tag: ['a', 'b'] })
      one() {}

      @MQConsumer('inv-dup', 'GID_dup', { tag: ['b', 'a'] })
      two() {}
    }
    const message = await bootstrapError([MQModule.forRoot(connectionTo(emulator))], [Twice]);
    expect(message).toBe(
      'MQModule: consumers "Twice.one" and "Twice.two" both subscribe topic "inv-dup" with group "GID_dup" and tags a||b; ' +
        'each message would be handled by only one of them at random. Use another group for one of them',
    );
  });
});

describe("invalid options of transport 'grpc' fail bootstrap naming the option", () => {
  const grpc = {
    transport: 'grpc' as const,
    endpoint: '127.0.0.1:8081',
    accessKeyId: 'user',
    accessKeySecret: SECRET,
  };

  it.each([
    [{ transport: 'amqp' }, `MQModule: option "transport" must be one of 'http', 'grpc'`],
    [
      { endpoint: 'http://127.0.0.1:8081' },
      'MQModule: option "endpoint" must not have a scheme (got "http://127.0.0.1:8081"; set client.tls for TLS); give host:port of a RocketMQ 5 endpoint, e.g. rmq-cn-xxx.cn-hangzhou.rmq.aliyuncs.com:8080',
    ],
    [{ endpoint: 'rmq.example.com' }, 'MQModule: option "endpoint" has no port: "rmq.example.com"'],
    [{ endpoint: 'rmq.example.com:99999' }, 'option "endpoint" has a port out of range'],
    [{ instanceId: 'rmq cn' }, 'MQModule: option "instanceId" contains a character not allowed'],
  ])('module option %j', async (override, expected) => {
    const message = await bootstrapError([MQModule.forRoot({ ...grpc, ...override } as never)]);
    expect(message).toContain(expected);
    expect(message).not.toContain(SECRET);
  });

  it.each([
    [{ batchSize: 33 }, 'option "batchSize" must be an integer between 1 and 32'],
    [{ tag: ['a|b'] }, 'option "tag" must hold non-empty tags without "|"'],
    [
      { retryBackoff: { initialMs: -1 } },
      'option "retryBackoff.initialMs" must be an integer number of ms between 0 and 43200000',
    ],
    [
      { retryBackoff: { initialMs: 5_000, maxMs: 1_000 } },
      'option "retryBackoff.maxMs" must not be below initialMs',
    ],
    [{ retryBackoff: { delay: 1 } }, 'option "retryBackoff.delay" is not a known option'],
  ] as [MQConsumerOptions, string][])('consumer option %j', async (options, expected) => {
    const message = await bootstrapError([MQModule.forRoot(grpc)], [consumerWith(options)]);
    expect(message).toContain(`MQModule: consumer "Bad.handle": ${expected}`);
  });

  it('a topic name RocketMQ 5 does not allow fails at bootstrap', async () => {
    const message = await bootstrapError(
      [MQModule.forRoot(grpc)],
      [consumerWith({}, 'orders.created')],
    );
    expect(message).toContain(
      `MQModule: consumer "Bad.handle": option "topic" contains a character RocketMQ 5 does not allow at index 6`,
    );
  });
});
