import { afterEach, describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../../lib/emulator/broker/broker.errors.js';
import { harness, T0, type Harness } from './broker.fixture.js';

function publishError(h: Harness, body: string, props: Record<string, string> = {}, tag?: string) {
  try {
    h.broker.publish('', 'orders', { body, tag, properties: new Map(Object.entries(props)) });
  } catch (e) {
    expect(e).toBeInstanceOf(BrokerError);
    return e as BrokerError;
  }
  return undefined;
}

describe('Broker publish limits', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('rejects an empty body', () => {
    h = harness();
    expect(publishError(h, '')).toMatchObject({ code: 'InvalidArgument' });
  });

  it('limits bodies to 4 MiB of UTF-8, 64 KiB for timer and transactional messages', () => {
    h = harness();
    const mib4 = 4 * 1024 * 1024;
    expect(publishError(h, 'a'.repeat(mib4))).toBeUndefined();
    expect(publishError(h, 'a'.repeat(mib4 + 1))?.code).toBe('InvalidArgument');
    // 'é' is 2 UTF-8 bytes: half as many characters already exceed the limit.
    expect(publishError(h, 'é'.repeat(mib4 / 2 + 1))?.code).toBe('InvalidArgument');
    const timer = { __STARTDELIVERTIME: String(T0 + 1000) };
    expect(publishError(h, 'a'.repeat(64 * 1024), timer)).toBeUndefined();
    expect(publishError(h, 'a'.repeat(64 * 1024 + 1), timer)?.message).toContain('65536');
    expect(publishError(h, 'a'.repeat(64 * 1024 + 1), { __TransCheckT: '10' })?.code).toBe(
      'InvalidArgument',
    );
  });

  it('limits properties to 16 KiB and tags to 64 characters', () => {
    h = harness();
    expect(publishError(h, 'x', { big: 'v'.repeat(16 * 1024) })?.message).toContain('Properties');
    expect(publishError(h, 'x', {}, 't'.repeat(64))).toBeUndefined();
    expect(publishError(h, 'x', {}, 't'.repeat(65))?.message).toContain('MessageTag');
  });

  it('validates __STARTDELIVERTIME and __TransCheckT', () => {
    h = harness();
    expect(publishError(h, 'x', { __STARTDELIVERTIME: 'soon' })?.message).toContain(
      '__STARTDELIVERTIME',
    );
    expect(publishError(h, 'x', { __STARTDELIVERTIME: '1.5' })?.code).toBe('InvalidArgument');
    const day = 24 * 3600_000;
    expect(publishError(h, 'x', { __STARTDELIVERTIME: String(T0 + 40 * day) })).toBeUndefined();
    expect(publishError(h, 'x', { __STARTDELIVERTIME: String(T0 + 40 * day + 1) })?.code).toBe(
      'InvalidArgument',
    );
    for (const bad of ['9', '301', 'abc', '10.5', '']) {
      expect(publishError(h, 'x', { __TransCheckT: bad })?.message).toContain('__TransCheckT');
    }
    expect(publishError(h, 'x', { __TransCheckT: '300' })).toBeUndefined();
  });
});

describe('Broker resources: autoCreate and strict mode', () => {
  let h: Harness;
  afterEach(async () => {
    await h.broker.close();
  });

  it('strict mode answers TopicNotExist / SubscriptionNotExist for undeclared resources', async () => {
    h = harness({
      autoCreate: false,
      topics: [
        { name: 'orders', type: 'normal' },
        { name: 'inst-topic', instanceId: 'MQ_INST_1' },
      ],
      groups: [{ id: 'GID_ok' }],
    });
    expect(() => h.broker.publish('', 'nope', { body: 'x', properties: new Map() })).toThrow(
      expect.objectContaining({ code: 'TopicNotExist' }),
    );
    // Declared in another instance only.
    expect(() => h.broker.publish('', 'inst-topic', { body: 'x', properties: new Map() })).toThrow(
      expect.objectContaining({ code: 'TopicNotExist' }),
    );
    h.publish('orders', 'x');
    await expect(h.consume('GID_unknown')).rejects.toMatchObject({ code: 'SubscriptionNotExist' });
    await expect(h.consume('GID_ok', { topic: 'nope' })).rejects.toMatchObject({
      code: 'TopicNotExist',
    });
    expect(() => h.broker.ack('', 'orders', 'GID_unknown', ['x'])).toThrow(
      expect.objectContaining({ code: 'SubscriptionNotExist' }),
    );
    expect((await h.consume('GID_ok')).map((m) => m.body)).toEqual(['x']);
  });

  it('autoCreate lists topics and groups created on first use', async () => {
    h = harness();
    h.publish('orders', 'x');
    await h.consume('G');
    expect(h.broker.admin.topics()).toEqual([
      { instanceId: '', topic: 'orders', type: 'any', messages: 1, delayed: 0, half: 0 },
    ]);
    expect(h.broker.admin.groups()).toEqual([
      {
        instanceId: '',
        topic: 'orders',
        group: 'G',
        ready: 0,
        inflight: 1,
        delayed: 0,
        deadLetter: 0,
      },
    ]);
  });

  it('rejects an unknown declared topic type', () => {
    expect(() => harness({ topics: [{ name: 't', type: 'fifo' as never }] })).toThrow(/type of t/);
    h = harness();
  });
});
