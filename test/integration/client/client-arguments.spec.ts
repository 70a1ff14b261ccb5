/** Bad arguments are refused with MQInvalidArgumentError naming them, and nothing reaches the server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MQClient, MQInvalidArgumentError } from '../../../lib/client/index.js';
import type { MQCredentials } from '../../../lib/client/index.js';
import { ScriptedServer } from './scripted-server.js';

const CREDS = { accessKeyId: 'AKID', accessKeySecret: 'sekret' };

async function argumentOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (err) {
    if (err instanceof MQInvalidArgumentError) return err.argument;
    throw err;
  }
  throw new Error('expected MQInvalidArgumentError');
}

describe('MQClient argument validation', () => {
  let server: ScriptedServer;
  let client: MQClient;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    client = new MQClient(server.endpoint, CREDS);
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  afterEach(() => {
    // The point of every case: the request was never sent.
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['numOfMessages', { numOfMessages: 0 }],
    ['numOfMessages', { numOfMessages: 17 }],
    ['numOfMessages', { numOfMessages: 1.5 }],
    ['waitSeconds', { waitSeconds: 31 }],
    ['waitSeconds', { waitSeconds: -1 }],
    ['tag[1]', { tag: ['A', 'B|C'] }],
    ['tag', { tag: 'x'.repeat(65) }],
    ['options.instanceId', { instanceId: 'a b' }],
  ])('consume rejects %s (%j)', async (argument, options) => {
    expect(await argumentOf(() => client.consume('T1', 'G', options as never))).toBe(argument);
  });

  it('consume rejects bad topic and group; consumeHalf rejects a tag', async () => {
    expect(await argumentOf(() => client.consume('', 'G'))).toBe('topic');
    expect(await argumentOf(() => client.consume('a/b', 'G'))).toBe('topic');
    expect(await argumentOf(() => client.consume('t'.repeat(65), 'G'))).toBe('topic');
    expect(await argumentOf(() => client.consume('T1', ''))).toBe('group');
    expect(await argumentOf(() => client.consumeOrderly('T1', 'G&x=1'))).toBe('group');
    expect(await argumentOf(() => client.consumeHalf('T1', 'G', { tag: 'A' }))).toBe('tag');
  });

  it.each([
    ['body', { body: '' }],
    ['body', { body: 42 }],
    ['body', { body: new Uint8Array([0xff, 0xfe]) }],
    ['body', { body: 'bell\u0007' }],
    ['body', { body: 'lone \ud800 surrogate' }],
    ['body', { body: 'x'.repeat(4 * 1024 * 1024 + 1) }],
    ['body', { body: '€'.repeat(1_398_102) }],
    ['body', { body: 'x'.repeat(64 * 1024 + 1), delayMs: 1000 }],
    ['body', { body: 'x'.repeat(64 * 1024 + 1), transCheckImmunitySeconds: 10 }],
    ['properties', { body: 'x', properties: { k: 'a|b' } }],
    ['properties', { body: 'x', properties: { 'a:b': 'v' } }],
    ['properties', { body: 'x', properties: { k: '' } }],
    ['properties', { body: 'x', properties: { KEYS: 'reserved' } }],
    ['properties', { body: 'x', properties: { big: 'v'.repeat(16 * 1024) } }],
    ['key', { body: 'x', key: 'a<b' }],
    ['shardingKey', { body: 'x', shardingKey: '' }],
    ['tag', { body: 'x', tag: 'a||b' }],
    ['tag', { body: 'x', tag: 't'.repeat(65) }],
    ['deliverAt', { body: 'x', deliverAt: Date.now() + 1000, delayMs: 5 }],
    ['deliverAt', { body: 'x', deliverAt: new Date('nope') }],
    ['deliverAt', { body: 'x', deliverAt: Date.now() + 41 * 24 * 3600 * 1000 }],
    ['delayMs', { body: 'x', delayMs: Number.POSITIVE_INFINITY }],
    ['delayMs', { body: 'x', delayMs: -1 }],
    ['transCheckImmunitySeconds', { body: 'x', transCheckImmunitySeconds: 9 }],
    ['transCheckImmunitySeconds', { body: 'x', transCheckImmunitySeconds: 301 }],
    ['transCheckImmunitySeconds', { body: 'x', transCheckImmunitySeconds: 10.5 }],
    ['delayMS', { body: 'x', delayMS: 60_000 }],
    ['Tag', { body: 'x', Tag: 'created' }],
  ])('publish rejects %s', async (argument, input) => {
    expect(await argumentOf(() => client.publish('T1', input as never))).toBe(argument);
  });

  it('unknown option keys are refused, naming the key and the one meant', async () => {
    await expect(client.publish('T1', { body: 'x', delayMS: 60_000 } as never)).rejects.toThrow(
      'delayMS: is not a field of a published message; did you mean "delayMs"? (known: body, tag,',
    );
    expect(await argumentOf(() => client.publish('T1', { body: 'x' }, { sigal: 1 } as never))).toBe(
      'options.sigal',
    );
    expect(await argumentOf(() => client.consume('T1', 'G', { waitseconds: 5 } as never))).toBe(
      'options.waitseconds',
    );
    await expect(client.consume('T1', 'G', { waitseconds: 5 } as never)).rejects.toThrow(
      'did you mean "waitSeconds"?',
    );
    expect(await argumentOf(() => client.consumeHalf('T1', 'G', { batch: 5 } as never))).toBe(
      'options.batch',
    );
    expect(await argumentOf(() => client.ack('T1', 'G', ['h'], { ns: 'x' } as never))).toBe(
      'options.ns',
    );
    expect(await argumentOf(() => client.commit('T1', 'G', 'h', { timeout: 1 } as never))).toBe(
      'options.timeout',
    );
  });

  it('the property error names the key but never echoes the value', async () => {
    const err = await client
      .publish('T1', { body: 'x', properties: { color: 'secret|value' } })
      .catch((e: unknown) => e as MQInvalidArgumentError);
    expect(err).toBeInstanceOf(MQInvalidArgumentError);
    expect((err as Error).message).toContain('color');
    expect((err as Error).message).not.toContain('secret|value');
  });

  it('the XML-illegal body error suggests base64', async () => {
    await expect(client.publish('T1', { body: 'a\u0000b' })).rejects.toThrow(/base64/);
  });

  it('ack / commit / rollback reject bad handles', async () => {
    expect(await argumentOf(() => client.ack('T1', 'G', []))).toBe('receiptHandles');
    expect(await argumentOf(() => client.ack('T1', 'G', new Array(17).fill('h')))).toBe(
      'receiptHandles',
    );
    expect(await argumentOf(() => client.ack('T1', 'G', ['h', '']))).toBe('receiptHandles[1]');
    expect(await argumentOf(() => client.commit('T1', 'G', ''))).toBe('receiptHandle');
    expect(await argumentOf(() => client.rollback('T1', 'G', undefined as never))).toBe(
      'receiptHandle',
    );
    expect(await argumentOf(() => client.ack('T1', '', ['h']))).toBe('group');
  });

  it('a request line over 1024 characters is refused before sending', async () => {
    const longTags = Array.from({ length: 20 }, (_, i) => `T${i}-${'x'.repeat(50)}`);
    const err = await client.consume('T1', 'G', { tag: longTags }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MQInvalidArgumentError);
    expect((err as MQInvalidArgumentError).argument).toBe('request');
    expect((err as Error).message).toMatch(/1024/);
  });

  it('constructor validates endpoint, credentials and options', () => {
    const bad = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        if (err instanceof MQInvalidArgumentError) return err.argument;
        throw err;
      }
      throw new Error('expected MQInvalidArgumentError');
    };
    expect(bad(() => new MQClient('ftp://h', CREDS))).toBe('endpoint');
    expect(bad(() => new MQClient('http://h/path', CREDS))).toBe('endpoint');
    expect(bad(() => new MQClient('http://h', { accessKeyId: '', accessKeySecret: 's' }))).toBe(
      'credentials.accessKeyId',
    );
    expect(bad(() => new MQClient('http://h', { accessKeyId: 'a' } as MQCredentials))).toBe(
      'credentials.accessKeySecret',
    );
    expect(bad(() => new MQClient('http://h', CREDS, { connections: 0 }))).toBe(
      'options.connections',
    );
    expect(bad(() => new MQClient('http://h', CREDS, { requestTimeoutMs: -5 }))).toBe(
      'options.requestTimeoutMs',
    );
    expect(bad(() => new MQClient('http://h', CREDS, { timeoutMs: 5 } as never))).toBe(
      'options.timeoutMs',
    );
    expect(bad(() => new MQClient('http://h', CREDS, { clock: 5 } as never))).toBe('options.clock');
  });

  it('a failing provider rejects the call with its own error and nothing is sent', async () => {
    const boom = new Error('sts unavailable');
    const sync = new MQClient(server.endpoint, () => {
      throw boom;
    });
    const async = new MQClient(server.endpoint, () => Promise.reject(boom));
    await expect(sync.publish('T1', { body: 'x' })).rejects.toBe(boom);
    await expect(async.consume('T1', 'G')).rejects.toBe(boom);
    await sync.close();
    await async.close();
  });

  it('a provider returning bad credentials is refused before sending', async () => {
    const c = new MQClient(server.endpoint, () => ({ accessKeyId: 'a', accessKeySecret: '' }));
    expect(await argumentOf(() => c.ack('T1', 'G', ['h']))).toBe('credentials().accessKeySecret');
    const d = new MQClient(server.endpoint, async () => ({
      accessKeyId: 'a:b',
      accessKeySecret: 's',
    }));
    expect(await argumentOf(() => d.ack('T1', 'G', ['h']))).toBe('credentials().accessKeyId');
    const e = new MQClient(server.endpoint, (() => undefined) as never);
    expect(await argumentOf(() => e.ack('T1', 'G', ['h']))).toBe('credentials()');
    await e.close();
    await c.close();
    await d.close();
  });
});
